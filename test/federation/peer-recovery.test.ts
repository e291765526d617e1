// A follower's server that was down gets what it missed as soon as it shows it is back (it sends us a
// signed activity), not when the transport's backoff and the queued retry's delay end (30 s and more
// here). A forged activity in its name changes nothing. A real node on SQLite, and a Fedify server that
// refuses unsigned fetches, as GoToSocial does; "down" resets every connection, as while it restarts.
import { Like } from "@fedify/vocab";
import { challengeInput, hubInput } from "../support/documents";
import { type FakePeer, isAccept, postForged, startFakePeer } from "../support/fake-peer";
import { startTestNode, type TestNode } from "../support/node";
import { api, eventually } from "../support/remote";

let node: TestNode;
let peer: FakePeer;
const HANDLE = "recovery_hub";

beforeAll(async () => {
  node = await startTestNode();
  expect((await api(node, "POST", "/api/v1/hubs", undefined, hubInput(HANDLE))).status).toBe(201);
  peer = await startFakePeer();
});

afterAll(async () => {
  await peer?.close();
  await node?.stop();
});

it("sends a follower's server what it missed while down as soon as it sends a signed activity, and not for a forged one", async () => {
  const hubUrl = `${node.origin}/hubs/${HANDLE}`;
  await peer.follow(hubUrl);
  await peer.waitFor(isAccept);

  peer.setDown(true);
  const hubToken = (await api(node, "POST", `/api/v1/hubs/${HANDLE}/token`)).json.token as string;
  const created = await api(node, "POST", `/api/v1/hubs/${HANDLE}/challenges`, hubToken, challengeInput("de-mobility", { status: "open" }));
  expect(created.status).toBe(201);
  const challengeId = created.json.id as string;
  const isTheCreate = (a: FakePeer["received"][number]) => a.type === "Create" && JSON.stringify(a.raw).includes(challengeId);
  // The delivery failed (connection reset): the transport backs the server off for 30 s, and the
  // message waits in the queue for that long.
  await eventually(async () => ((await node.store.queues.outbox.getDepth()).delayed ?? 0) >= 1, "the delivery to wait in the queue", 20_000);
  const depthWhileDown = await node.store.queues.outbox.getDepth();

  // Someone else claims to be the follower: Fedify refuses it, and nothing is sent early.
  peer.setDown(false);
  const forged = await postForged(`${node.origin}/inbox`, {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${peer.origin}/likes/forged`,
    type: "Like",
    actor: peer.actorUri,
    object: challengeId,
  }, peer.keyId);
  expect(forged.status).toBe(401);
  await new Promise((r) => setTimeout(r, 500));
  expect(peer.received.some(isTheCreate)).toBe(false);
  expect((await node.store.queues.outbox.getDepth()).delayed).toBe(depthWhileDown.delayed);

  // The follower's own signed activity: what was held for it goes now.
  await peer.send(hubUrl, (target) => new Like({ id: new URL(`${peer.origin}/likes/1`), actor: new URL(peer.actorUri), object: target.id }));
  const create = await peer.waitFor(isTheCreate, 10_000);
  expect(create.inbox).toBe("shared");
  await eventually(async () => (await node.store.queues.outbox.getDepth()).queued === 0, "the outbox to be empty", 10_000);
}, 60_000);
