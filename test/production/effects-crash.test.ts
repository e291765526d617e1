// The aggregator's boosts survive a crash (issue 8, principle 7). EU runs as an aggregator split into
// a web process and worker processes on one MongoDB-wire store; DE is a national node; a fediverse
// server follows @health on EU. DE publishes a health challenge: EU's worker mirrors it, and the
// feed effect (boost it on @health) is written with the mirrored change in one store step. The worker
// is SIGKILLed right after that and before its boost is sent; a new worker sends it. Then the same
// for an edit: the re-boost (Undo + Announce) and the forwarding of DE's signed Update.
//
// "Before its boost is sent" is made certain rather than raced: while the first worker runs, the
// relay lease is held by a stand-in owner, so that worker mirrors (it consumes the inbox queue) but
// does not relay. In the old design the boost lived only in the memory of the process that stored the
// change, so this kill lost it for good.
import { Announce, Undo, Update } from "@fedify/vocab";
import { RELAY_LEASE } from "../../node/main";
import { leaseKey } from "../../node/ops/job-lease";
import { openStore } from "../../node/storage/open-store";
import type { Store } from "../../node/storage/store";
import { challengeInput, hubInput } from "../support/documents";
import { isAccept, startFakePeer, type FakePeer, type ReceivedActivity } from "../support/fake-peer";
import { startMongoWireServer, type MongoWireServer } from "../support/ferretdb-server";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { disposeAll, freePort, spawnNode, waitFor, type NodeProcess } from "../support/processes";
import { api, type Json } from "../support/remote";

let mongo: MongoWireServer | undefined;
let de: TestNode | undefined;
let store: Store | undefined;
let peer: FakePeer | undefined;
const processes: NodeProcess[] = [];

beforeAll(async () => {
  mongo = await startMongoWireServer();
}, 10 * 60_000);

afterAll(async () => {
  await disposeAll(processes);
  await peer?.close().catch(() => undefined);
  await store?.close().catch(() => undefined);
  await de?.stop().catch(() => undefined);
  await mongo?.dispose();
}, 60_000);

const objectOf = (a: ReceivedActivity) => (typeof a.raw.object === "string" ? a.raw.object : (a.raw.object as Json)?.id);

it("sends the boost, re-boost and forwarded Update that a killed worker had stored but not sent", async () => {
  de = await startTestNode({ IPN_COUNTRY: "DE" });
  const hubRes = await api(de, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("de_health", { country: "DE" }));
  expect(hubRes.status).toBe(201);
  const hubToken = hubRes.json.token as string;

  const storeUrl = mongo!.freshDatabaseUrl();
  const origin = `http://127.0.0.1:${await freePort()}`;
  // DE's instance actor accepts follows only from nodes it allowlists.
  expect((await api(de, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin, country: "EU", role: "aggregator" })).status).toBe(201);
  const env = { IPN_ROLE: "aggregator", IPN_COUNTRY: "EU", IPN_PEERS: `${de.origin}=DE:national`, IPN_QUEUE_LEASE_MS: "5000" };
  store = await openStore({ url: storeUrl });
  // The stand-in holder of the relay lease (see the top of this file).
  await store.kv.set(leaseKey(RELAY_LEASE), { owner: "test/0/stand-in", until: Date.now() + 10 * 60_000 });

  const web = await spawnNode({ name: "eu-web", role: "web", store: storeUrl, origin, port: Number(new URL(origin).port), env });
  processes.push(web);
  const first = await spawnNode({ name: "eu-worker-1", role: "worker", store: storeUrl, origin, env });
  processes.push(first);
  await waitFor("EU to follow DE", async () => (await store!.peers.get(de!.origin))?.sync.followState === "accepted", { timeoutMs: 45_000 });

  peer = await startFakePeer();
  await peer.follow(`${origin}/topics/health`);
  await peer.waitFor(isAccept, 30_000);

  const published = await api(de, "POST", "/api/v1/hubs/de_health/challenges", hubToken, challengeInput("fr-health-pcp"));
  expect(published.status).toBe(201);
  const id = published.json.id as string;
  const effectId = `created ${id} 1`;
  // Mirrored, and its boost recorded with it — but not sent.
  await waitFor("EU's worker to mirror the challenge", async () => (await store!.challenges.getById(id)) !== null, { timeoutMs: 45_000 });
  // On MongoDB a write's record is applied in steps: the challenge is inserted, then its effect, so
  // the challenge can be seen a moment before its effect (read at once, it could be missing).
  const effect = await waitFor("its boost to be recorded", () => store!.feedEffects.get(effectId), { timeoutMs: 10_000 });
  expect(effect).toMatchObject({ kind: "created", challengeId: id, doneAt: null });

  first.signal("SIGKILL");
  expect(await first.exited).toMatchObject({ signal: "SIGKILL" });
  expect(peer.received.filter((a) => a.activity instanceof Announce)).toEqual([]);

  // The stand-in's lease ends; a new worker takes it and relays what the dead one left pending.
  await store.kv.delete(leaseKey(RELAY_LEASE));
  const second = await spawnNode({ name: "eu-worker-2", role: "worker", store: storeUrl, origin, env });
  processes.push(second);
  const boost = await peer.waitFor((a) => a.activity instanceof Announce && objectOf(a) === id, 45_000);
  expect(boost.raw.actor).toBe(`${origin}/topics/health`);
  // Its id is the one derived from (feed, challenge, revision), and EU serves it.
  const served = await fetch(boost.id!, { headers: { accept: "application/activity+json" } });
  expect(served.status).toBe(200);
  expect(await served.json()).toMatchObject({ id: boost.id, type: "Announce", object: id });
  await waitFor("the effect to be marked done", async () => (await store!.feedEffects.get(effectId))?.doneAt, { timeoutMs: 20_000 });
  expect(await store.feedEffects.pending(10)).toEqual([]);
  expect(peer.received.filter((a) => a.activity instanceof Announce && objectOf(a) === id)).toHaveLength(1);

  // The same for an edit: the re-boost and the forwarding of DE's signed Update are recorded by the
  // worker that mirrors the edit, which dies before sending them.
  await waitFor("EU's queue to drain", async () => (await store!.queue.getDepth()).queued === 0, { timeoutMs: 30_000 });
  second.signal("SIGKILL");
  await second.exited;
  await store.kv.set(leaseKey(RELAY_LEASE), { owner: "test/0/stand-in", until: Date.now() + 10 * 60_000 });
  const third = await spawnNode({ name: "eu-worker-3", role: "worker", store: storeUrl, origin, env });
  processes.push(third);
  const key = id.split("/").pop()!;
  expect((await api(de, "PATCH", `/api/v1/challenges/${key}`, hubToken, { referenceNumber: "DE-HEALTH-2" })).status).toBe(200);
  await waitFor("EU's worker to mirror the edit and record its forward", async () => {
    const pending = (await store!.feedEffects.pending(10)).map((e) => e.id);
    return pending.includes(`updated ${id} 2`) && pending.some((e) => e.startsWith("forward "));
  }, { timeoutMs: 45_000 });
  third.signal("SIGKILL");
  await third.exited;
  await store.kv.delete(leaseKey(RELAY_LEASE));
  processes.push(await spawnNode({ name: "eu-worker-4", role: "worker", store: storeUrl, origin, env }));
  const undo = await peer.waitFor((a) => a.activity instanceof Undo && (a.raw.object as Json)?.id === boost.id, 45_000);
  expect(undo.raw.actor).toBe(`${origin}/topics/health`);
  await peer.waitFor((a) => a.activity instanceof Announce && objectOf(a) === id && a.id !== boost.id, 45_000);
  // Forwarded unchanged: DE's hub is its actor, and the peer verified DE's signature on it.
  const update = await peer.waitFor((a) => a.activity instanceof Update && objectOf(a) === id, 45_000);
  expect(update.raw.actor).toBe(`${de.origin}/hubs/de_health`);
  await waitFor("every effect to be done", async () => (await store!.feedEffects.pending(10)).length === 0, { timeoutMs: 20_000 });
}, 240_000);
