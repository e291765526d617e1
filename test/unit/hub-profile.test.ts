// HubService.patchProfile, the one path of profile changes (workspace today, any client tomorrow):
// who may change a profile, what can never change, and that followers are told only of real changes.
import { HubService } from "../../node/domain/hubs.service";
import { MemoryHubs } from "../federation/memory-repos";

const ORIGIN = "https://de.ipn.example";

async function setup() {
  const hubs = new MemoryHubs();
  const announced: string[] = [];
  const service = new HubService({ hubs, origin: ORIGIN, now: () => new Date("2027-01-01T00:00:00Z"), onProfileChanged: async (h) => { announced.push(h); } });
  const created = await service.create({ preferredUsername: "berlin", hubType: "living-lab", name: { de: "Berlin" }, defaultLanguage: "de", languages: ["de"], country: "DE", contact: { email: "b@berlin.example" } });
  if (!created.ok) throw new Error("hub not created");
  return { service, hubs, announced };
}

it("lets the hub's editors and the node admin change the profile, not another hub's editors", async () => {
  const { service, announced } = await setup();
  expect(await service.patchProfile({ kind: "hub", handle: "hamburg" }, "berlin", { name: { de: "X" } })).toMatchObject({ ok: false, error: { kind: "forbidden" } });
  const r = await service.patchProfile({ kind: "hub", handle: "berlin" }, "berlin", { languages: ["de", "en"], name: { en: "Berlin Lab" }, website: "https://lab.berlin.example" });
  expect(r.ok && r.value.doc).toMatchObject({ name: { de: "Berlin", en: "Berlin Lab" }, website: "https://lab.berlin.example", updated: "2027-01-01T00:00:00.000Z" });
  expect((await service.patchProfile({ kind: "admin" }, "berlin", { website: null })).ok).toBe(true);
  // A language map in a language the hub does not publish in is refused, with the field named.
  expect(await service.patchProfile({ kind: "admin" }, "berlin", { summary: { fr: "Laboratoire" } })).toMatchObject({ ok: false, error: { errors: expect.arrayContaining([expect.objectContaining({ pointer: "/summary/fr" })]) } });
  expect((await service.get("berlin"))!.doc).not.toHaveProperty("website");
  expect(announced).toEqual(["berlin", "berlin"]);
  expect(await service.patchProfile({ kind: "admin" }, "nobody", {})).toMatchObject({ ok: false, error: { kind: "not-found" } });
});

it("never changes the handle or the node's fields, and refuses an invalid profile", async () => {
  const { service, announced } = await setup();
  const renamed = await service.patchProfile({ kind: "admin" }, "berlin", { preferredUsername: "hijack", published: "2020-01-01T00:00:00Z" });
  expect(renamed).toMatchObject({ ok: false, error: { kind: "validation", errors: [{ pointer: "/preferredUsername", message: "cannot be changed" }, { pointer: "/published", message: "cannot be changed" }] } });
  const invalid = await service.patchProfile({ kind: "admin" }, "berlin", { contact: { email: "not-an-address" } });
  expect(invalid).toMatchObject({ ok: false, error: { kind: "validation", errors: [expect.objectContaining({ pointer: "/contact/email" })] } });
  expect((await service.get("berlin"))!.doc.contact).toEqual({ email: "b@berlin.example" });
  expect(announced).toEqual([]);
});

it("records nothing and tells nobody when nothing changes", async () => {
  const { service, announced } = await setup();
  const before = (await service.get("berlin"))!.doc;
  expect((await service.patchProfile({ kind: "admin" }, "berlin", {})).ok).toBe(true);
  expect((await service.get("berlin"))!.doc).toEqual(before);
  expect(announced).toEqual([]);
});
