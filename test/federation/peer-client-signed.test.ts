// The node's own jobs sign their GETs too (issue 8, principle 1): the peer client's canonical-document
// and sync fetches carry the instance actor's signature, in the scheme the peer accepts, remembered
// per origin. The peer here verifies for real (Fedify's verifyRequest against the published key).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { MemoryKvStore } from "@fedify/fedify";
import { Application, CryptographicKey } from "@fedify/vocab";
import { preloadedContexts, type RemoteDocument } from "@fedify/vocab-runtime";
import { PeerClient, PeerFetchError } from "../../federation/network/peer-client";
import { refuseUnsigned, schemeOf } from "../support/signed-fetch-gate";

let server: http.Server;
let origin: string;
let keys: CryptoKeyPair;
let actorDoc: unknown;
const seen: { scheme: string | null; userAgent: string | undefined }[] = [];

beforeAll(async () => {
  keys = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"],
  )) as CryptoKeyPair;
  // The signer's actor (here on the same loopback server) and a peer API that verifies only RFC 9421.
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    if (url.pathname === "/signer") {
      res.writeHead(200, { "content-type": "application/activity+json" }).end(JSON.stringify(actorDoc));
      return;
    }
    seen.push({ scheme: schemeOf(headers), userAgent: req.headers["user-agent"] });
    const loader = async (u: string): Promise<RemoteDocument> =>
      ({ contextUrl: null, documentUrl: u, document: u.startsWith(origin) ? actorDoc : preloadedContexts[u] });
    const refused = await refuseUnsigned(new Request(url, { headers }), async () => ({ documentLoader: loader, contextLoader: loader }), ["rfc9421"]);
    if (refused) {
      res.writeHead(refused.status).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `${origin}/challenges/x`, ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  actorDoc = await new Application({
    id: new URL(`${origin}/signer`),
    publicKey: new CryptographicKey({ id: new URL(`${origin}/signer#main-key`), owner: new URL(`${origin}/signer`), publicKey: keys.publicKey }),
  }).toJsonLd();
});

afterAll(async () => {
  await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
});

describe("the peer client", () => {
  const kv = new MemoryKvStore();
  const signed = () => new PeerClient({
    allowPrivateNetwork: true,
    userAgent: "ipn/0.1.0 (+http://node.test)",
    signer: { kv, identity: async () => ({ keyId: new URL(`${origin}/signer#main-key`), privateKey: keys.privateKey }) },
  });

  it("fetches a canonical document from a peer that requires signed GETs, learning its scheme", async () => {
    const got = await signed().canonical(`${origin}/challenges/x`);
    expect(got).toEqual({ kind: "doc", doc: { id: `${origin}/challenges/x`, ok: true } });
    expect(seen.map((s) => s.scheme)).toEqual(["draft-cavage-http-signatures-12", "rfc9421"]);
    expect(seen.every((s) => s.userAgent === "ipn/0.1.0 (+http://node.test)")).toBe(true);
    expect(await kv.get(["_fedify", "httpMessageSignaturesSpec", origin])).toBe("rfc9421");
  });

  it("knocks with the remembered scheme first afterwards", async () => {
    seen.length = 0;
    await signed().canonical(`${origin}/challenges/x`);
    expect(seen.map((s) => s.scheme)).toEqual(["rfc9421"]);
  });

  it("is refused without a signature (the control)", async () => {
    const unsigned = new PeerClient({ allowPrivateNetwork: true, userAgent: "ipn/0.1.0 (+http://node.test)" });
    await expect(unsigned.canonical(`${origin}/challenges/x`)).rejects.toBeInstanceOf(PeerFetchError);
  });
});
