// Which signature scheme a server accepts is learnt once and remembered (issue 8, principle 1): a server
// that verifies only RFC 9421 gets one draft-cavage knock (401) from the node, then RFC 9421 — and
// from then on RFC 9421 first, for its fetches and for Fedify's deliveries alike (one memory per origin).
import { fixture } from "../support/documents";
import { isAccept, startFakePeer, type FakePeer } from "../support/fake-peer";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

let node: TestNode;
let peer: FakePeer;
let hubUri: string;

beforeAll(async () => {
  node = await startTestNode();
  peer = await startFakePeer({ acceptSchemes: ["rfc9421"] });
  const hub = fixture("hubs", "hub-de-muenchen-mobil");
  for (const f of ["id", "node", "published", "updated"]) delete hub[f];
  const res = await fetch(`${node.listenUrl}/api/v1/hubs`, {
    method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(hub),
  });
  expect(res.status).toBe(201);
  hubUri = ((await res.json()) as { hub: { id: string } }).hub.id;
});

afterAll(async () => {
  await peer?.close();
  await node?.stop();
});

const actorFetches = (scheme: string | null) =>
  peer.requests.filter((r) => r.method === "GET" && r.path === "/users/tester" && r.scheme === scheme).length;

describe("a server that verifies only RFC 9421", () => {
  it("is knocked at once with draft-cavage, then served with RFC 9421, which the node remembers", async () => {
    await peer.follow(hubUri);
    await peer.waitFor(isAccept);
    expect(actorFetches("draft-cavage-http-signatures-12")).toBe(1);
    expect(actorFetches("rfc9421")).toBeGreaterThanOrEqual(1);
    expect(actorFetches(null)).toBe(0);
    expect(await node.store.kv.get(["_fedify", "httpMessageSignaturesSpec", peer.origin])).toBe("rfc9421");
  });

  it("gets RFC 9421 first on later fetches", async () => {
    const before = actorFetches("rfc9421");
    peer.received.length = 0;
    await peer.follow(hubUri); // a new Follow: the node fetches the follower's actor again
    await peer.waitFor(isAccept);
    expect(actorFetches("rfc9421")).toBeGreaterThan(before);
    expect(actorFetches("draft-cavage-http-signatures-12")).toBe(1);
  });
});
