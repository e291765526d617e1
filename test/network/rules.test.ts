// The rules of the network without a network: allowlist entries (API body and IPN_PEERS), the
// revision digest both sides compute, the repair plan, and which documents may enter the mirror.
import { loadConfig } from "../../node/config";
import { diffRevisions, refuseMirrored, revisionDigest } from "../../node/domain/mirror";
import { parsePeerInput, parsePeerList } from "../../node/domain/peers";
import { fixture } from "../support/documents";

describe("allowlist entries", () => {
  it("normalises an origin and defaults the role to national", () => {
    expect(parsePeerInput({ origin: "https://FR.ipn.example/", country: "fr" }, { allowHttp: false })).toEqual({ ok: true, value: { origin: "https://fr.ipn.example", country: "FR", role: "national" } });
  });

  it("refuses plain http outside test mode, paths, our own origin and unknown countries", () => {
    const pointers = (input: unknown, allowHttp = false) => {
      const r = parsePeerInput(input, { allowHttp, ownOrigin: "https://de.ipn.example" });
      return r.ok ? [] : r.error.kind === "validation" ? r.error.errors.map((e) => e.pointer) : ["?"];
    };
    expect(pointers({ origin: "http://127.0.0.1:3001", country: "FR" })).toEqual(["/origin"]);
    expect(pointers({ origin: "http://127.0.0.1:3001", country: "FR" }, true)).toEqual([]);
    expect(pointers({ origin: "https://fr.ipn.example/api", country: "FR" })).toEqual(["/origin"]);
    expect(pointers({ origin: "https://de.ipn.example", country: "DE" })).toEqual(["/origin"]);
    expect(pointers({ origin: "https://us.example", country: "US" })).toEqual(["/country"]);
    expect(pointers({ origin: "https://eu.ipn.example", country: "EU", role: "aggregator" })).toEqual([]);
  });

  it("reads IPN_PEERS and names the broken item", () => {
    expect(parsePeerList("https://fr.ipn.example=FR:national, https://eu.ipn.example=EU:aggregator", { allowHttp: false }).peers).toEqual([
      { origin: "https://fr.ipn.example", country: "FR", role: "national" },
      { origin: "https://eu.ipn.example", country: "EU", role: "aggregator" },
    ]);
    const env = { IPN_ORIGIN: "https://de.ipn.example", IPN_PEERS: "https://fr.ipn.example=FR,fr.ipn.example" };
    expect(() => loadConfig(env)).toThrow(/IPN_PEERS: item 2 "fr.ipn.example" is not <origin>=<COUNTRY>/);
    expect(loadConfig({ IPN_ORIGIN: "https://de.ipn.example", IPN_PEERS: "https://fr.ipn.example=FR" }).peers).toEqual([{ origin: "https://fr.ipn.example", country: "FR", role: "national" }]);
    expect(loadConfig({ IPN_ORIGIN: "https://de.ipn.example" })).toMatchObject({ peers: [], reconcileCron: "*/10 * * * *" });
  });
});

describe("reconciliation", () => {
  const a = { id: "https://de.ipn.example/challenges/a", revision: 2 };
  const b = { id: "https://de.ipn.example/challenges/b", revision: 1 };
  const c = { id: "https://de.ipn.example/challenges/c", revision: 4 };

  it("gives equal sets equal digests whatever the order, and different revisions different ones", () => {
    expect(revisionDigest([b, a])).toBe(revisionDigest([a, b]));
    expect(revisionDigest([a, { ...b, revision: 2 }])).not.toBe(revisionDigest([a, b]));
    expect(revisionDigest([])).toMatch(/^[0-9a-f]{64}$/);
  });

  it("fetches what is missing or older here and withdraws what the peer no longer lists", () => {
    expect(diffRevisions([{ ...a, revision: 1 }, b, c], [a, { ...b, revision: 1 }, { id: "https://de.ipn.example/challenges/d", revision: 1 }])).toEqual({
      fetch: [a.id, "https://de.ipn.example/challenges/d"],
      withdraw: [c.id],
    });
  });
});

describe("documents entering the mirror", () => {
  const ORIGIN = "https://de.ipn.example";
  const doc = () => {
    const d = fixture("challenges", "challenge-de-mobility");
    d.id = `${ORIGIN}/challenges/k1`;
    d.url = d.id;
    d.hub = `${ORIGIN}/hubs/muenchen_mobil`;
    return d;
  };

  it("accepts a valid document of the peer's own origin", () => {
    expect(refuseMirrored(doc(), ORIGIN, { allowHttp: false, expectedId: `${ORIGIN}/challenges/k1` })).toBeNull();
  });

  it("refuses another origin's object or hub, another id, drafts and invalid documents", () => {
    expect(refuseMirrored(doc(), "https://fr.ipn.example", { allowHttp: false })).toMatch(/not on the peer's origin/);
    expect(refuseMirrored({ ...doc(), hub: "https://fr.ipn.example/hubs/x" }, ORIGIN, { allowHttp: false })).toMatch(/hub .* not on the peer's origin/);
    expect(refuseMirrored(doc(), ORIGIN, { allowHttp: false, expectedId: `${ORIGIN}/challenges/other` })).toMatch(/not the requested/);
    expect(refuseMirrored({ ...doc(), status: "draft" }, ORIGIN, { allowHttp: false })).toMatch(/draft/);
    expect(refuseMirrored({ ...doc(), title: "x" }, ORIGIN, { allowHttp: false })).toMatch(/invalid document: \/title/);
    expect(refuseMirrored([], ORIGIN, { allowHttp: false })).toMatch(/not a JSON object/);
  });
});
