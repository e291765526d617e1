// A node in production mode (https origin, private networks not allowed) receiving an activity whose
// signature names a key on a loopback server: the node must not fetch it. Fedify's key fetch goes
// through our guarded loader, so the key server never sees a request and the inbox answers 401.
// (hub-follow.test.ts is the counterpart: in test mode the same fetch on loopback succeeds.)
import { request } from "undici";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest } from "@fedify/fedify";
import { startTestNode, type TestNode } from "../support/node";

const ORIGIN = "https://de.ipn.example";

let node: TestNode;
let keyServer: http.Server;
let keyServerPort: number;
const keyServerHits: string[] = [];

beforeAll(async () => {
  node = await startTestNode({ IPN_ORIGIN: ORIGIN, IPN_ALLOW_PRIVATE_NETWORK: "false" });
  keyServer = http.createServer((req, res) => {
    keyServerHits.push(req.url ?? "");
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => keyServer.listen(0, "127.0.0.1", r));
  keyServerPort = (keyServer.address() as AddressInfo).port;
});

afterAll(async () => {
  keyServer?.closeAllConnections();
  await new Promise<void>((r) => keyServer.close(() => r()));
  await node?.stop();
});

/** Signs a POST for the node's public inbox URL, and delivers it to where the node listens. */
async function deliverSigned(keyId: string): Promise<number> {
  const actor = keyId.replace(/#.*$/, "");
  const body = JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${actor}#follow-1`, type: "Follow", actor, object: `${ORIGIN}/hubs/none` });
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const signed = await signRequest(
    new Request(`${ORIGIN}/inbox`, { method: "POST", headers: { "content-type": "application/activity+json" }, body }),
    pair.privateKey,
    new URL(keyId),
    { spec: "draft-cavage-http-signatures-12" },
  );
  const headers: Record<string, string> = { host: new URL(ORIGIN).host };
  signed.headers.forEach((value, key) => { headers[key] = value; });
  // undici's own client, not the global fetch: in this process the global fetch is the production
  // node's guarded transport, which (rightly) refuses loopback addresses.
  const res = await request(`${node.listenUrl}/inbox`, { method: "POST", headers, body });
  await res.body.arrayBuffer();
  return res.statusCode;
}

describe("the SSRF guard on Fedify's fetches (production mode)", () => {
  it.each([
    ["a loopback address", () => `http://127.0.0.1:${keyServerPort}/users/mallory#main-key`],
    ["localhost by name", () => `http://localhost:${keyServerPort}/users/mallory#main-key`],
    ["an IPv4-mapped loopback address", () => `http://[::ffff:127.0.0.1]:${keyServerPort}/users/mallory#main-key`],
  ])("does not fetch a signature key from %s (401, no request reaches it)", async (_what, keyId) => {
    expect(await deliverSigned(keyId())).toBe(401);
    expect(keyServerHits).toEqual([]);
  });
});
