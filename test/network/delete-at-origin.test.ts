// Principle 4: destruction is confirmed at the origin. Real nodes on loopback: FR mirrors DE. A Delete
// signed by DE's own hub (authentic, allowlisted — a bug, a replay, a stolen key) for a challenge DE
// still serves changes nothing on FR; a real withdrawal at DE withdraws it on FR; and reconciliation
// restores a challenge FR holds as withdrawn while DE still serves it (what an unconfirmed Delete did
// before this rule).
import { Delete, Tombstone } from "@fedify/vocab";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { api, eventually, type Json } from "../support/remote";

let de: TestNode;
let fr: TestNode;
let token: string;
/** Objects of Deletes FR's network has finished handling. */
const handled: string[] = [];

beforeAll(async () => {
  de = await startTestNode({ IPN_COUNTRY: "DE" });
  fr = await startTestNode({ IPN_COUNTRY: "FR" });
  const hub = await api(de, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("de_mobil"));
  expect(hub.status).toBe(201);
  token = hub.json.token;
  // DE's instance actor accepts follows only from peers DE allowlists itself (issue 8, principle 5).
  expect((await api(de, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: fr.origin, country: "FR" })).status).toBe(201);
  // Observe when FR's inbox has handled a Delete (the inbox calls the network at handling time).
  const network = fr.federation.network!;
  const deleted = network.deleted.bind(network);
  network.deleted = async (actorId, objectId) => {
    try {
      await deleted(actorId, objectId);
    } finally {
      if (objectId) handled.push(objectId.href);
    }
  };
});

afterAll(async () => {
  for (const n of [fr, de]) await n?.stop();
});

async function publish(): Promise<string> {
  const res = await api(de, "POST", "/api/v1/hubs/de_mobil/challenges", token, challengeInput("de-mobility"));
  expect(res.status).toBe(201);
  return res.json.id as string;
}

const listedOnFr = async (id: string) => (await api(fr, "GET", "/api/v1/challenges?country=DE&limit=100", null)).json.items.some((d: Json) => d.id === id);

/** DE's hub signs and sends a Delete of `id` to FR's inbox — whether or not DE withdrew it. */
async function deleteFromDe(id: string, tag: string): Promise<void> {
  const hub = (await de.store.challenges.getById(id))!.doc.hub;
  const ctx = de.federation.federation.createContext(new URL(de.origin), undefined);
  await ctx.sendActivity({ identifier: "de_mobil" }, { id: new URL(`${fr.origin}/actor`), inboxId: new URL(`${fr.origin}/inbox`), endpoints: null },
    new Delete({ id: new URL(`${id}#delete-${tag}`), actor: new URL(hub), object: new Tombstone({ id: new URL(id) }) }), { immediate: true });
}

it("keeps a challenge listed when its own hub sends a Delete that its origin contradicts", async () => {
  const ids = [await publish(), await publish()];
  expect((await api(fr, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: de.origin, country: "DE" })).status).toBe(201);
  await eventually(async () => (await Promise.all(ids.map(listedOnFr))).every(Boolean), "FR mirrors DE");

  await deleteFromDe(ids[0]!, "spurious");
  await eventually(async () => handled.includes(ids[0]!), "FR handled the Delete");
  expect(await listedOnFr(ids[0]!)).toBe(true);
  expect(await fr.store.challenges.getById(ids[0]!)).toMatchObject({ withdrawnAt: null });
});

it("withdraws it when the origin confirms: DE withdrew it and says 410", async () => {
  const id = await publish();
  await eventually(() => listedOnFr(id), "FR mirrors the new challenge");
  expect((await api(de, "DELETE", `/api/v1/challenges/${id.split("/").pop()}`, token)).status).toBe(204);
  await eventually(async () => (await fr.store.challenges.getById(id))?.withdrawnAt != null, "FR withdraws it");
  expect(handled).toContain(id);
  expect(await listedOnFr(id)).toBe(false);
});

it("restores, at reconciliation, a challenge withdrawn here that its origin still serves", async () => {
  const id = await publish();
  await eventually(() => listedOnFr(id), "FR mirrors the new challenge");
  // What an unconfirmed Delete did before: withdrawn here, still live at DE.
  expect(await fr.store.mirror.withdraw(de.origin, [id], new Date().toISOString())).toHaveLength(1);
  expect(await listedOnFr(id)).toBe(false);
  await fr.federation.network!.reconcile(de.origin);
  expect(await listedOnFr(id)).toBe(true);
  expect(await fr.store.challenges.getById(id)).toMatchObject({ withdrawnAt: null });
  const peer = (await api(fr, "GET", "/api/v1/peers")).json.items[0];
  expect(peer.sync).toMatchObject({ lastError: null, missing: 0 });
});
