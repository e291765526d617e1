// The peers' fast path between real nodes (ADR 0014): FR mirrors DE. DE's Create, Update and Delete
// reach FR's shared inbox signed by DE's hub and are taken without Fedify's JSON-LD path — counted in
// FR's ipn_inbox_fast_path_total — with the same outcome as before: stored, edited, withdrawn (the
// Delete confirmed at DE). What the fast path does not read goes to Fedify, which still decides: a
// forged signature is refused with 401 and changes nothing; an activity with a context of its own is
// verified and applied by Fedify.
import { signRequest } from "@fedify/fedify";
import { challengeInput, hubInput } from "../support/documents";
import { postForged } from "../support/fake-peer";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { api, eventually } from "../support/remote";

let de: TestNode;
let fr: TestNode;
let token: string;

const fastPathCount = async (node: TestNode, type: string): Promise<number> => {
  const metric = await node.metrics.registry.getSingleMetric("ipn_inbox_fast_path_total")!.get();
  return metric.values.find((v) => v.labels.type === type)?.value ?? 0;
};

/** FR's reconciliation may apply a change before DE's activity arrives: the activity still comes, through the fast path. */
const tookOneMore = (type: string, before: number) =>
  eventually(async () => (await fastPathCount(fr, type)) >= before + 1, `${type} taken by FR's fast path`);

async function publish(): Promise<string> {
  const res = await api(de, "POST", "/api/v1/hubs/de_mobil/challenges", token, challengeInput("de-mobility"));
  expect(res.status).toBe(201);
  return res.json.id as string;
}

/** POSTs a body to FR's shared inbox, signed (draft-cavage) with DE's hub's real key. */
async function postAsDeHub(body: Record<string, unknown>): Promise<number> {
  const ctx = de.federation.federation.createContext(new URL(de.origin), undefined);
  const pair = (await ctx.getActorKeyPairs("de_mobil")).find((p) => p.privateKey.algorithm.name === "RSASSA-PKCS1-v1_5")!;
  const request = await signRequest(
    new Request(`${fr.origin}/inbox`, { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify(body) }),
    pair.privateKey,
    pair.keyId,
    { spec: "draft-cavage-http-signatures-12" },
  );
  return (await fetch(request)).status;
}

beforeAll(async () => {
  de = await startTestNode({ IPN_COUNTRY: "DE" });
  fr = await startTestNode({ IPN_COUNTRY: "FR" });
  const hub = await api(de, "POST", "/api/v1/hubs", ADMIN_TOKEN, hubInput("de_mobil"));
  expect(hub.status).toBe(201);
  token = hub.json.token;
  expect((await api(de, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: fr.origin, country: "FR" })).status).toBe(201);
  expect((await api(fr, "POST", "/api/v1/peers", ADMIN_TOKEN, { origin: de.origin, country: "DE" })).status).toBe(201);
  // FR's follow of DE's instance actor is accepted: DE then delivers to FR's shared inbox.
  await eventually(async () => (await fr.store.peers.get(de.origin))?.sync.followState === "accepted", "DE accepted FR's follow");
});

afterAll(async () => {
  for (const n of [fr, de]) await n?.stop();
});

describe("DE's challenge activities on FR", () => {
  let id: string;

  it("a publish reaches FR's mirror through the fast path", async () => {
    const before = await fastPathCount(fr, "Create");
    id = await publish();
    await eventually(async () => (await fr.store.challenges.getById(id)) !== null, "mirrored on FR");
    await tookOneMore("Create", before);
    expect((await fr.store.challenges.getById(id))!.origin).toBe(de.origin);
  });

  it("an edit is applied from DE's canonical document", async () => {
    const before = await fastPathCount(fr, "Update");
    const key = id.split("/").pop()!;
    const edited = await api(de, "PATCH", `/api/v1/challenges/${key}`, token, { title: { en: "Shared e-scooter parking, revised" } });
    expect(edited.status).toBe(200);
    await eventually(async () => (await fr.store.challenges.getById(id))?.doc.title.en === "Shared e-scooter parking, revised", "edit mirrored on FR");
    await tookOneMore("Update", before);
  });

  it("a forged Create claiming DE's hub key is refused by Fedify (401) and stores nothing", async () => {
    const before = await fastPathCount(fr, "Create");
    const invented = `${de.origin}/challenges/forged-one`;
    const hub = `${de.origin}/hubs/de_mobil`;
    const response = await postForged(`${fr.origin}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams", id: `${invented}#create`, type: "Create", actor: hub,
      object: { id: invented, type: "Note", attributedTo: hub, content: "forged" },
    }, `${hub}#main-key`);
    expect(response.status).toBe(401);
    expect(await fastPathCount(fr, "Create")).toBe(before);
    expect(await fr.store.challenges.getById(invented)).toBeNull();
  });

  it("an activity with a context of its own goes through Fedify's JSON-LD path and is still applied", async () => {
    const other = await api(de, "POST", "/api/v1/hubs/de_mobil/challenges", token, challengeInput("fi-education"));
    expect(other.status).toBe(201);
    const otherId = other.json.id as string;
    await eventually(async () => (await fr.store.challenges.getById(otherId)) !== null, "second challenge mirrored on FR");
    // DE changes it in its store, without an activity of its own (DE's relay would send a plain Update
    // through the fast path, racing this test): the only Update FR gets is a hand-made one whose context
    // defines a term of its own.
    const held = (await de.store.challenges.getById(otherId))!;
    const revision = held.doc.revision + 1;
    const updated = new Date(Date.parse(held.doc.updated) + 1000).toISOString();
    const doc = {
      ...held.doc, title: { ...held.doc.title, en: "Digital school books, second call" }, revision, updated,
      changeLog: [...(held.doc.changeLog ?? []), { revision, date: updated, reason: "update-add" as const }],
    };
    expect(await de.store.challenges.update({ ...held, doc, version: held.version + 1 }, held.version, null)).toBe(true);
    const before = await fastPathCount(fr, "Update");
    const status = await postAsDeHub({
      "@context": ["https://www.w3.org/ns/activitystreams", { object: { "@id": "as:object", "@type": "@id" } }],
      id: `${otherId}#hand-made-update`, type: "Update", actor: `${de.origin}/hubs/de_mobil`, object: otherId,
    });
    expect(status).toBe(202);
    await eventually(async () => (await fr.store.challenges.getById(otherId))?.doc.title.en === "Digital school books, second call", "Update applied by Fedify's path");
    expect(await fastPathCount(fr, "Update")).toBe(before);
  });

  it("a withdrawal at DE withdraws it on FR (the Delete confirmed at DE)", async () => {
    const before = await fastPathCount(fr, "Delete");
    expect((await api(de, "DELETE", `/api/v1/challenges/${id.split("/").pop()}`, token)).status).toBe(204);
    await eventually(async () => (await fr.store.challenges.getById(id))?.withdrawnAt != null, "withdrawn on FR");
    await tookOneMore("Delete", before);
  });
});
