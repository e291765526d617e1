// A hanging server never delays deliveries to others (issue 8, principle 6): a hub with healthy
// followers and several followers whose inboxes accept connections and never answer. The delivery
// timeout is set far beyond the test, so the tarpits hang for its whole length; every healthy
// follower still receives every activity, each tarpit holds at most the per-host cap of connections,
// and the node keeps handling incoming activities (a new follower is accepted) meanwhile.
import { challengeInput, hubInput } from "../support/documents";
import { isAccept, startFakePeer, type FakePeer } from "../support/fake-peer";
import { startFakeFediverse, type FakeFediverse } from "../support/fake-inboxes";
import { startTarpit, type Tarpit } from "../support/hostile/transport-servers";
import { startTestNode, type TestNode } from "../support/node";
import { api, eventually } from "../support/remote";

let node: TestNode;
let healthy: FakeFediverse;
const tarpits: Tarpit[] = [];
let peer: FakePeer | undefined;
const HANDLE = "isolation_hub";

beforeAll(async () => {
  node = await startTestNode({ IPN_DELIVERY_TIMEOUT_MS: "120000", IPN_OUTBOX_WORKERS: "8" });
  expect((await api(node, "POST", "/api/v1/hubs", undefined, hubInput(HANDLE))).status).toBe(201);
  healthy = await startFakeFediverse(5);
  for (let i = 0; i < 6; i++) tarpits.push(await startTarpit());
  // Followers as the follow flow stores them: tarpits first, so they are tried early.
  for (const [i, pit] of tarpits.entries()) {
    await node.store.followers.add(HANDLE, { actorId: `${pit.origin}/users/t${i}`, inbox: `${pit.origin}/users/t${i}/inbox`, sharedInbox: `${pit.origin}/inbox`, followId: null });
  }
  for (const server of healthy.servers) await node.store.followers.add(HANDLE, server.follower);
});

afterAll(async () => {
  await peer?.close();
  for (const pit of tarpits) await pit.close();
  await healthy?.close();
  await node?.stop();
});

it("delivers every activity to every healthy follower while several inboxes hang", async () => {
  const hubToken = (await api(node, "POST", `/api/v1/hubs/${HANDLE}/token`)).json.token as string;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await api(node, "POST", `/api/v1/hubs/${HANDLE}/challenges`, hubToken, challengeInput("de-mobility", { status: "open" }));
    expect(created.status).toBe(201);
    ids.push(`${created.json.id as string}/activities/create`);
  }
  for (const id of ids) {
    await eventually(async () => healthy.deliveriesOf(id).every((n) => n >= 1), `${id} at every healthy follower`, 30_000);
  }
  // The tarpits are still hanging (the timeout is far away): the healthy deliveries did not wait for them.
  expect(tarpits.some((pit) => pit.open > 0)).toBe(true);
  for (const pit of tarpits) expect(pit.open).toBeLessThanOrEqual(1); // one request at a time to a server that never answered

  // Incoming activities are another lane: a new follower is accepted meanwhile.
  peer = await startFakePeer();
  await peer.follow(`${node.origin}/hubs/${HANDLE}`);
  await peer.waitFor(isAccept);
});
