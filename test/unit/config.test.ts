// Configuration from the environment: sane defaults, and operator-readable refusals.
import path from "node:path";
import { ConfigError, loadConfig } from "../../node/config";

const messages = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, "/srv/ipn");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe("loadConfig", () => {
  it("runs out of the box as a local try-out on port 3000 with SQLite under ./data", () => {
    const c = loadConfig({}, "/srv/ipn");
    expect(c).toMatchObject({
      port: 3000, origin: "http://localhost:3000", dataDir: path.resolve("/srv/ipn/data"), store: `sqlite:${path.resolve("/srv/ipn/data/ipn.db")}`,
      allowPrivateNetwork: true, localDefaults: true, role: "all", logLevel: "info",
    });
  });

  it("takes a production https origin without private-network access", () => {
    const c = loadConfig({ IPN_ORIGIN: "https://ipn.example.gov/", IPN_COUNTRY: "gr", PORT: "8080", IPN_ADMIN_TOKEN: "a".repeat(32) }, "/srv/ipn");
    expect(c).toMatchObject({ origin: "https://ipn.example.gov", country: "GR", port: 8080, allowPrivateNetwork: false, localDefaults: false });
  });

  it("refuses private-network access with an https origin", () => {
    expect(messages({ IPN_ORIGIN: "https://ipn.example.gov", IPN_ALLOW_PRIVATE_NETWORK: "true" }).join("\n")).toMatch(/IPN_ALLOW_PRIVATE_NETWORK=true is for tests and demos only/);
  });

  it("refuses a plain-http public origin unless test mode is explicit", () => {
    expect(messages({ IPN_ORIGIN: "http://ipn.example.gov" }).join("\n")).toMatch(/plain http/);
    expect(loadConfig({ IPN_ORIGIN: "http://127.0.0.1:4000", IPN_ALLOW_PRIVATE_NETWORK: "yes" }).allowPrivateNetwork).toBe(true);
  });

  it("names the variable, the value and what is expected", () => {
    const all = messages({ PORT: "eighty", IPN_COUNTRY: "UK", IPN_ADMIN_TOKEN: "short", IPN_LOG_LEVEL: "loud", IPN_ALLOW_PRIVATE_NETWORK: "maybe", IPN_ORIGIN: "https://x.example/path" }).join("\n");
    expect(all).toMatch(/PORT must be a number/);
    expect(all).toMatch(/IPN_COUNTRY .*"UK"/);
    expect(all).toMatch(/IPN_ADMIN_TOKEN .*\(hidden\)/);
    expect(all).not.toContain("short");
    expect(all).toMatch(/IPN_LOG_LEVEL/);
    expect(all).toMatch(/IPN_ALLOW_PRIVATE_NETWORK must be true or false/);
  });

  it("gives a burst's memory back by default; IPN_MEMORY_TRIM=false turns that off, anything else is refused", () => {
    expect(loadConfig({}, "/srv/ipn").memoryTrim).toBe(true);
    expect(loadConfig({ IPN_MEMORY_TRIM: "false" }, "/srv/ipn").memoryTrim).toBe(false);
    expect(messages({ IPN_MEMORY_TRIM: "sometimes" })).toEqual(['IPN_MEMORY_TRIM must be true or false (got "sometimes")']);
  });

  it("refuses an origin with a path", () => {
    expect(messages({ IPN_ORIGIN: "https://x.example/ipn" }).join("\n")).toMatch(/IPN_ORIGIN/);
  });
});
