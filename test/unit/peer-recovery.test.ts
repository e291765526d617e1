// What a signed activity from a server does to the deliveries held for it (federation/transport/
// peer-recovery.ts), on a real SQLite store: Fedify's circuit-breaker state, or another process's
// backoff mark, for that server is cleared and its delayed deliveries run now — only that server's;
// the other processes' transports are told it is back; the state is read at most once a second
// unless this process's transport had backed the server off; an activity without a usable actor does
// nothing. The transport is this process's own (tested in transport.test.ts): here a recorder.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { circuitKey, createPeerRecovery, heldKey, senderOf, sharedBackoffs } from "../../federation/transport/peer-recovery";
import { createSqliteStore } from "../../node/storage/sqlite";
import type { Store } from "../../node/storage/store";

let dir: string;
let store: Store;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ipn-recovery-"));
  store = createSqliteStore(path.join(dir, "ipn.db"));
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const OPEN = { state: "open", failures: [], opened: new Date().toISOString() };
const later = { delay: Temporal.Duration.from({ hours: 1 }) };

async function until(what: string, predicate: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function recovery(backedOff: Set<string> = new Set(), clock = { now: 1_000_000 }) {
  const forgiven: string[] = [];
  const heard = createPeerRecovery({
    kv: store.kv,
    hasten: (needles) => store.queues.outbox.hasten(needles),
    forgive: (origin) => {
      forgiven.push(origin);
      return backedOff.delete(origin);
    },
    now: () => clock.now,
  });
  return { heard, forgiven, clock };
}

it("clears the circuit of the server an activity came from and runs its delayed deliveries now, and no one else's", async () => {
  await store.kv.set(circuitKey("a.example"), OPEN);
  await store.kv.set(circuitKey("b.example"), OPEN);
  await store.queues.outbox.enqueue({ type: "outbox", inbox: "https://a.example/inbox", attempt: 1 }, later);
  await store.queues.outbox.enqueue({ type: "outbox", inbox: "https://b.example/inbox", attempt: 1 }, later);
  const { heard, forgiven } = recovery();

  heard({ type: "Like", actor: "https://a.example/users/alice" });
  await until("a.example's delivery to be due", async () => (await store.queues.outbox.getDepth()).ready === 1);
  expect(await store.kv.get(circuitKey("a.example"))).toBeUndefined();
  expect(await store.kv.get(circuitKey("b.example"))).toEqual(OPEN);
  expect(await store.queues.outbox.getDepth()).toEqual({ queued: 2, ready: 1, delayed: 1 });
  expect(forgiven).toEqual(["https://a.example"]);
});

it("reads a server's circuit at most once a second, unless this process's transport had backed it off", async () => {
  const backedOff = new Set<string>();
  const { heard, clock } = recovery(backedOff);
  heard({ actor: { id: "https://a.example/users/alice" } }); // nothing held: reads the circuit, finds none
  await new Promise((r) => setTimeout(r, 50));
  await store.kv.set(circuitKey("a.example"), OPEN);
  await store.queues.outbox.enqueue({ type: "outbox", inbox: "https://a.example/inbox", attempt: 1 }, later);

  heard({ actor: "https://a.example/users/bob" }); // within the second: not read again
  await new Promise((r) => setTimeout(r, 50));
  expect(await store.kv.get(circuitKey("a.example"))).toEqual(OPEN);
  expect((await store.queues.outbox.getDepth()).delayed).toBe(1);

  backedOff.add("https://a.example"); // the transport failed to reach it meanwhile: read at once
  heard({ actor: "https://a.example/users/bob" });
  await until("the delivery to be due", async () => (await store.queues.outbox.getDepth()).ready === 1);
  expect(await store.kv.get(circuitKey("a.example"))).toBeUndefined();

  await store.kv.set(circuitKey("a.example"), OPEN);
  clock.now += 1500; // a second later: read again
  heard({ actor: "https://a.example/users/bob" });
  await until("the circuit to be cleared", async () => (await store.kv.get(circuitKey("a.example"))) === undefined);
});

it("runs a server's deliveries now when another process's transport had backed it off, and says so to the others", async () => {
  await store.queues.outbox.enqueue({ type: "outbox", inbox: "https://a.example/inbox", attempt: 1 }, later);
  const shared = sharedBackoffs(store.kv);
  shared.onBackoff("https://a.example", Date.now() + 30_000); // a worker's transport, in a split deployment
  await until("the backoff to be recorded", async () => (await store.kv.get(heldKey("https://a.example"))) !== undefined);
  expect(await shared.recoveredAt("https://a.example")).toBeUndefined();
  const { heard, clock } = recovery();

  heard({ actor: "https://a.example/users/alice" });
  await until("the delivery to be due", async () => (await store.queues.outbox.getDepth()).ready === 1);
  expect(await store.kv.get(heldKey("https://a.example"))).toBeUndefined();
  expect(await shared.recoveredAt("https://a.example")).toBe(clock.now); // what the workers' transports read
});

it("ignores an activity whose actor is missing, not a URL, or not http(s)", async () => {
  await store.kv.set(circuitKey("a.example"), OPEN);
  const { heard, forgiven } = recovery();
  for (const actor of [undefined, 42, "not a url", "mailto:alice@a.example", { id: 7 }]) heard({ actor });
  await new Promise((r) => setTimeout(r, 50));
  expect(forgiven).toEqual([]);
  expect(await store.kv.get(circuitKey("a.example"))).toEqual(OPEN);
  expect(senderOf({ actor: [{ id: "https://a.example/u" }] })).toBeNull();
});
