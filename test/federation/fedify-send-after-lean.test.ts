// A delivery the lean first attempt could not finish is sent by Fedify's own outbox handler from the
// same queued message (ADR 0015), and that message holds its fan-out's shared part, parsed once and
// frozen (ADR 0020's amendment): Fedify's handler only reads it, so the activity goes out whole and
// the same as to everyone else. A real node on its SQLite store, and inboxes on loopback, one of them
// failing for a moment.
import { challengeInput, hubInput } from "../support/documents";
import { startFakeFediverse, type FakeFediverse } from "../support/fake-inboxes";
import { startTestNode, type TestNode } from "../support/node";
import { api, eventually } from "../support/remote";

let node: TestNode;
let fediverse: FakeFediverse;
const HANDLE = "retry_hub";

beforeAll(async () => {
  node = await startTestNode();
  expect((await api(node, "POST", "/api/v1/hubs", undefined, hubInput(HANDLE))).status).toBe(201);
  fediverse = await startFakeFediverse(4);
  for (const server of fediverse.servers) await node.store.followers.add(HANDLE, server.follower);
});

afterAll(async () => {
  await fediverse?.close();
  await node?.stop();
});

it("sends what the lean attempt could not, through Fedify's handler, with the activity every other inbox got", async () => {
  const failing = fediverse.servers[0]!;
  failing.failNext = 1;
  const hubToken = (await api(node, "POST", `/api/v1/hubs/${HANDLE}/token`)).json.token as string;
  const created = await api(node, "POST", `/api/v1/hubs/${HANDLE}/challenges`, hubToken, challengeInput("de-mobility", { status: "open" }));
  expect(created.status).toBe(201);
  const id = `${created.json.id as string}/activities/create`;

  await eventually(async () => fediverse.deliveriesOf(id).every((n) => n === 1), `${id} delivered to every inbox`, 30_000);
  const arrivals = failing.received.filter((r) => r.id === id);
  // The lean attempt met the 500; Fedify's own send (the Fetch API) then delivered it.
  expect(arrivals.map((r) => ({ answered: r.answered, viaFetch: r.viaFetch }))).toEqual([
    { answered: false, viaFetch: false },
    { answered: true, viaFetch: true },
  ]);
  // Byte for byte the activity the others got from the lean attempt: signed once, shared, not changed.
  const others = fediverse.servers.slice(1).map((s) => s.received.find((r) => r.id === id)!);
  for (const r of others) expect(r.viaFetch).toBe(false);
  expect(new Set([...arrivals, ...others].map((r) => r.raw)).size).toBe(1);
  expect(JSON.parse(arrivals[1]!.raw)).toMatchObject({ type: "Create", id, object: { type: "Note" } });
});
