// IPN_ROLE: national by default; the aggregator alone may call its country EU (or leave it unset).
import { ConfigError, loadConfig } from "../../node/config";

const base = { IPN_ORIGIN: "https://eu.ipn.example", IPN_ADMIN_TOKEN: "a".repeat(32) };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env, "/srv/ipn");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("IPN_ROLE", () => {
  it("defaults to a national node", () => {
    expect(loadConfig({ ...base, IPN_COUNTRY: "DE" }, "/srv/ipn").nodeRole).toBe("national");
  });

  it("accepts the aggregator with country EU or none", () => {
    expect(loadConfig({ ...base, IPN_ROLE: "aggregator", IPN_COUNTRY: "eu" }, "/srv/ipn")).toMatchObject({ nodeRole: "aggregator", country: "EU" });
    expect(loadConfig({ ...base, IPN_ROLE: "Aggregator" }, "/srv/ipn").country).toBeUndefined();
  });

  it("refuses EU for a national node and unknown roles, naming the variable", () => {
    expect(problems({ ...base, IPN_COUNTRY: "EU" }).join("\n")).toMatch(/IPN_COUNTRY EU is for the aggregator only \(IPN_ROLE=aggregator\)/);
    expect(problems({ ...base, IPN_ROLE: "hub" }).join("\n")).toMatch(/^IPN_ROLE must be equal to one of the allowed values/m);
  });
});
