// A hub's actor document is what every server fetches when it first meets the hub's signature: the
// node makes it once per profile and serves that (federation/actors.ts), shows a profile change at the
// next fetch, and has the hub's keys ready from its creation rather than at its first publish or fetch.
// A real node over HTTP; Fedify's own rendering is counted to show what is made again.
import { Organization } from "@fedify/vocab";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { eventually } from "../support/remote";

const AS2 = { accept: "application/activity+json" };
let node: TestNode;

beforeAll(async () => { node = await startTestNode(); });
afterAll(async () => { await node?.stop(); });
afterEach(() => { jest.restoreAllMocks(); });

async function createHub(handle: string): Promise<string> {
  const res = await fetch(`${node.listenUrl}/api/v1/hubs`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ preferredUsername: handle, hubType: "living-lab", name: { de: "Stadtlabor" }, defaultLanguage: "de", languages: ["de"], country: "DE", contact: { email: "lab@stadt.example" } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { hub: { id: string } }).hub.id;
}

async function actor(uri: string): Promise<Record<string, unknown>> {
  const res = await fetch(uri, { headers: AS2 });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

it("makes the hub's keys when the hub is created, before anything asks for them", async () => {
  const uri = await createHub("keys_early");
  await eventually(async () => (await node.store.keys.get(uri, "RSASSA-PKCS1-v1_5")) && node.store.keys.get(uri, "Ed25519"), "the hub's two key pairs stored");
  expect((await actor(uri)).publicKey).toMatchObject({ id: `${uri}#main-key`, owner: uri });
});

it("serves the document it made for the profile until the profile changes, then the new one", async () => {
  const uri = await createHub("made_once");
  const spy = jest.spyOn(Organization.prototype, "toJsonLd");
  // The form the actor endpoint serves (no format); the profile's Update embeds the actor compacted.
  const rendered = () => spy.mock.calls.filter(([options]) => options?.format == null).length;
  const first = await actor(uri);
  const second = await actor(uri);
  expect(second).toEqual(first);
  expect(rendered()).toBe(1);

  const patched = await node.hubs.patchProfile({ kind: "admin" }, "made_once", { name: { de: "Neues Stadtlabor" } });
  expect(patched.ok).toBe(true);
  const third = await actor(uri);
  expect(third.nameMap).toMatchObject({ de: "Neues Stadtlabor" });
  expect(third.publicKey).toEqual(first.publicKey);
  expect(await actor(uri)).toEqual(third);
  expect(rendered()).toBe(2);
});

it("answers 404 for a hub that does not exist, and WebFinger still finds a served hub", async () => {
  const uri = await createHub("found_again");
  await actor(uri);
  expect((await fetch(`${node.origin}/hubs/no_such_hub`, { headers: AS2 })).status).toBe(404);
  const host = new URL(node.origin).host;
  const wf = await fetch(`${node.origin}/.well-known/webfinger?resource=${encodeURIComponent(`acct:found_again@${host}`)}`);
  expect(wf.status).toBe(200);
  expect(((await wf.json()) as { links: { rel: string; href?: string }[] }).links).toEqual(expect.arrayContaining([expect.objectContaining({ rel: "self", href: uri })]));
});
