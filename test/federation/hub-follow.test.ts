// A fediverse server follows a hub of a real IPN node (the composition root, SQLite, HTTP on
// loopback) and sees the challenge lifecycle that editors drive through the JSON API:
// Follow → Accept, publish → Create(Note), edit and status change → Update, withdraw → Delete and 410.
// The peer's inbox is Fedify's: it records an activity only after verifying its signature against
// the hub's published key. The peer behaves like GoToSocial: it delivers to the shared inbox, serves
// its actor only to signed fetches (401 otherwise) and resolves the hub's username through WebFinger.
// Hostile requests (unsigned, forged, oversized) are refused without storing anything.
import { Create, Delete, Update } from "@fedify/vocab";
import { challengeInput, fixture } from "../support/documents";
import { isAccept, postForged, postRaw, startFakePeer, type FakePeer, type ReceivedActivity } from "../support/fake-peer";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

const AS2 = { accept: "application/activity+json" };
// biome-ignore lint/suspicious/noExplicitAny: assertions walk into wire JSON of unknown shape
type Json = Record<string, any>;

let node: TestNode;
let peer: FakePeer;
let hubHandle: string;
let hubUri: string;
let hubToken: string;

/** The JSON API, as an editor or the operator would call it. */
async function api(method: string, path: string, token: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; json: Json; location: string | null }> {
  const res = await fetch(`${node.listenUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {}, location: res.headers.get("location") };
}

beforeAll(async () => {
  node = await startTestNode();
  peer = await startFakePeer();
  const hub = fixture("hubs", "hub-de-muenchen-mobil");
  for (const f of ["id", "node", "published", "updated"]) delete hub[f];
  const created = await api("POST", "/api/v1/hubs", ADMIN_TOKEN, hub);
  expect(created.status).toBe(201);
  hubHandle = created.json.hub.preferredUsername;
  hubUri = created.json.hub.id;
  hubToken = created.json.token;
});

afterAll(async () => {
  await peer?.close();
  await node?.stop();
});

async function getJson(url: string, headers: Record<string, string> = AS2): Promise<{ status: number; type: string; json: Json }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", json: text && /json/.test(res.headers.get("content-type") ?? "") ? JSON.parse(text) : {} };
}

async function publish(input: Record<string, unknown>): Promise<{ key: string; id: string }> {
  const res = await api("POST", `/api/v1/hubs/${hubHandle}/challenges`, hubToken, input);
  expect(res.status).toBe(201);
  return { key: String(res.location).split("/").pop()!, id: res.json.id };
}

/** Polls a condition on the node's store; a real node acts asynchronously. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** What every request of the node says about itself: the software, its version and the node. */
const nodeUserAgent = () => new RegExp(`^ipn/0\\.1\\.0 \\(.*\\+${escapeRe(node.origin)}\\)$`);

const about = (cls: typeof Create | typeof Update | typeof Delete, objectId: string, pred: (raw: Json) => boolean = () => true) =>
  (a: ReceivedActivity) => a.activity instanceof cls && a.activity.objectId?.href === objectId && pred(a.raw);

describe("a hub followed from another fediverse server", () => {
  let followId: string;
  let key: string;
  let noteId: string;
  let created: Json;

  it("serves the hub as an Organization actor with keys and collections", async () => {
    const { status, type, json } = await getJson(hubUri);
    expect(status).toBe(200);
    expect(type).toMatch(/application\/activity\+json/);
    expect(json).toMatchObject({
      id: hubUri,
      type: "Organization",
      preferredUsername: hubHandle,
      url: hubUri,
      inbox: `${hubUri}/inbox`,
      outbox: `${hubUri}/outbox`,
      followers: `${hubUri}/followers`,
      endpoints: { sharedInbox: `${node.origin}/inbox` },
      discoverable: true,
      indexable: true,
      manuallyApprovesFollowers: false,
    });
    expect(json.publicKey).toMatchObject({ id: `${hubUri}#main-key`, owner: hubUri });
    expect(json.publicKey.publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
    expect(json.assertionMethod).toHaveLength(2);
    expect(json.nameMap).toMatchObject({ de: "Innovationsstelle Mobilität München" });
    const fields = [json.attachment].flat().map((f: Json) => f.name);
    expect(fields).toEqual(expect.arrayContaining(["Country", "Website"]));
  });

  it("keeps the same keys across requests (generated once, stored)", async () => {
    const a = await getJson(hubUri);
    const b = await getJson(hubUri);
    expect(a.json.publicKey.publicKeyPem).toBe(b.json.publicKey.publicKeyPem);
  });

  it("serves browsers the hub's HTML page on the same URL", async () => {
    // A German reader: the hub's name in German (an English one gets its English name).
    const res = await fetch(hubUri, { headers: { accept: "text/html", "accept-language": "de" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("vary")).toMatch(/Accept/i);
    expect(await res.text()).toContain("Innovationsstelle Mobilität München");
  });

  it("answers WebFinger for acct: and for the actor URL", async () => {
    const host = new URL(node.origin).host;
    for (const resource of [`acct:${hubHandle}@${host}`, hubUri]) {
      const { status, json } = await getJson(`${node.origin}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`, { accept: "application/jrd+json" });
      expect(status).toBe(200);
      // Fedify echoes the queried resource as subject and names the other form in aliases.
      expect([json.subject, ...(json.aliases ?? [])]).toEqual(expect.arrayContaining([`acct:${hubHandle}@${host}`, hubUri]));
      expect(json.links).toEqual(expect.arrayContaining([
        expect.objectContaining({ rel: "self", type: "application/activity+json", href: hubUri }),
        expect.objectContaining({ rel: "http://webfinger.net/rel/profile-page", href: hubUri }),
      ]));
    }
    const unknown = await fetch(`${node.origin}/.well-known/webfinger?resource=${encodeURIComponent(`acct:nobody@${host}`)}`);
    expect(unknown.status).toBe(404);
  });

  it("serves NodeInfo 2.1", async () => {
    const wellKnown = await getJson(`${node.origin}/.well-known/nodeinfo`, { accept: "application/json" });
    const href = wellKnown.json.links[0].href as string;
    expect(href).toBe(`${node.origin}/nodeinfo/2.1`);
    const info = await getJson(href, { accept: "application/json" });
    expect(info.json).toMatchObject({ software: { name: "ipn" }, protocols: ["activitypub"], usage: { users: { total: 1 } } });
    // Directories name the node, its member state and its role.
    expect(info.json.metadata).toEqual({ nodeName: expect.any(String), country: "DE", role: "national" });
  });

  it("accepts a follow with a signed Accept that embeds the Follow", async () => {
    followId = await peer.follow(hubUri);
    const accept = await peer.waitFor(isAccept);
    expect(accept.activity.actorId?.href).toBe(hubUri); // the peer checked: signed by the hub's own key
    expect(accept.raw.actor).toBe(hubUri);
    expect(accept.raw.object).toMatchObject({ id: followId, type: "Follow", actor: peer.actorUri, object: hubUri });
    const followers = await getJson(`${hubUri}/followers`);
    expect(followers.json).toMatchObject({ type: "OrderedCollection", totalItems: 1 });
    const first = await getJson(followers.json.first as string);
    expect([first.json.orderedItems].flat()).toEqual([peer.actorUri]);
    expect(accept.userAgent).toMatch(nodeUserAgent());
  });

  it("fetched the follower's actor with a signature and its own User-Agent (unsigned: 401, as on GoToSocial)", async () => {
    const fetches = peer.requests.filter((r) => r.method === "GET" && r.path === "/users/tester");
    expect(fetches.length).toBeGreaterThan(0);
    for (const r of fetches) {
      expect(r.scheme).not.toBeNull();
      expect(r.userAgent).toMatch(nodeUserAgent());
    }
    // The control: the peer really refuses unsigned fetches.
    expect((await fetch(peer.actorUri, { headers: AS2 })).status).toBe(401);
  });

  it("delivers a challenge published through the API as a signed Create(Note) to the shared inbox", async () => {
    const leanSent = async () => (await node.metrics.registry.getSingleMetric("ipn_deliveries_lean_total")!.get()).values[0]?.value ?? 0;
    const leanBefore = await leanSent();
    ({ key, id: noteId } = await publish(challengeInput("de-mobility")));
    const got = await peer.waitFor(about(Create, noteId));
    created = got.raw;
    expect(got.inbox).toBe("shared");
    expect(got.activity.actorId?.href).toBe(hubUri);
    expect(created).toMatchObject({ id: `${noteId}/activities/create`, actor: hubUri, cc: `${hubUri}/followers` });
    const note = created.object as Json;
    expect(note).toMatchObject({ id: noteId, type: "Note", attributedTo: hubUri, url: noteId, sensitive: false });
    expect(note).not.toHaveProperty("summary");
    expect(note).not.toHaveProperty("name");
    // Brand new: no `updated` (GoToSocial and Mastodon would show it as edited).
    expect(note).not.toHaveProperty("updated");
    expect(got.userAgent).toMatch(nodeUserAgent());
    // Sent by the lean first attempt (ADR 0015), and verified by the peer's Fedify inbox all the same.
    await eventually(async () => (await leanSent()) > leanBefore, "the Create counted as sent by the lean path");
    expect(Object.keys(note.contentMap)[0]).toBe("de");
    expect(note.content).toContain("<p><strong>Intelligentes Lieferzonen-Management für die Münchner Altstadt</strong></p>");
    expect([note.attachment].flat()[1]).toMatchObject({ rel: "alternate", mediaType: "application/json", href: `${node.origin}/api/v1/challenges/${key}` });
  });

  it("serves the Note and its Create at their ids", async () => {
    const note = await getJson(noteId);
    expect(note.status).toBe(200);
    expect(note.json).toMatchObject({ id: noteId, type: "Note" });
    const create = await getJson(created.id as string);
    expect(create.json).toMatchObject({ id: created.id, type: "Create", object: { id: noteId } });
  });

  it("delivers an edit (merge patch) as an Update with a newer `updated` and the same `published`", async () => {
    const patched = await api("PATCH", `/api/v1/challenges/${key}`, hubToken,
      { title: { de: "Lieferzonen in der Altstadt (neu)", en: "Loading zones (new)" } }, "application/merge-patch+json");
    expect(patched.status).toBe(200);
    const got = await peer.waitFor(about(Update, noteId, (raw) => String(raw.object?.content).includes("(neu)")));
    const before = created.object as Json;
    const after = got.raw.object as Json;
    expect(got.raw.id).toBe(`${noteId}/activities/update-2`);
    expect(after.published).toBe(before.published);
    expect(after.updated).toEqual(expect.any(String));
    expect(Date.parse(after.updated)).toBeGreaterThan(Date.parse(before.published));
  });

  it("puts the status line at the top of the Update when the challenge closes", async () => {
    const patched = await api("PATCH", `/api/v1/challenges/${key}`, hubToken, { status: "closed" }, "application/merge-patch+json");
    expect(patched.status).toBe(200);
    const got = await peer.waitFor(about(Update, noteId, (raw) => raw.id === `${noteId}/activities/update-3`));
    expect(String((got.raw.object as Json).content).startsWith("<p><strong>CLOSED</strong> — submissions ended")).toBe(true);
    const note = await getJson(noteId); // re-fetches see the current version
    expect(String(note.json.content).startsWith("<p><strong>CLOSED</strong>")).toBe(true);
  });

  it("lists the hub's activities in its outbox", async () => {
    const outbox = await getJson(`${hubUri}/outbox`);
    expect(outbox.json).toMatchObject({ type: "OrderedCollection", totalItems: 3 });
    const page = await getJson(outbox.json.first as string);
    const ids = [page.json.orderedItems].flat().map((a: Json) => a.id);
    expect(ids).toEqual(expect.arrayContaining([`${noteId}/activities/create`, `${noteId}/activities/update-2`, `${noteId}/activities/update-3`]));
  });

  it("delivers a withdrawal (DELETE) as Delete(Tombstone); the id then answers 410", async () => {
    expect((await api("DELETE", `/api/v1/challenges/${key}`, hubToken)).status).toBe(204);
    const got = await peer.waitFor(about(Delete, noteId));
    expect(got.raw.object).toMatchObject({ id: noteId, type: "Tombstone" });
    const gone = await getJson(noteId);
    expect(gone.status).toBe(410);
    expect(gone.json.type).toBe("Tombstone");
    expect((await getJson(created.id as string)).status).toBe(404); // the old Create no longer serves the content
  });

  it("does not answer unknown challenges as ActivityPub", async () => {
    expect((await fetch(`${node.origin}/challenges/does-not-exist`, { headers: AS2 })).status).toBe(404);
  });

  it("does not federate drafts", async () => {
    const draft = await publish(challengeInput("de-mobility", { status: "draft" }));
    expect((await fetch(draft.id, { headers: AS2 })).status).toBe(404);
    await node.federation.relay.drain();
    expect(peer.received.some((a) => a.activity.objectId?.href === draft.id)).toBe(false);
  });

  describe("the peer really verifies what it records", () => {
    // Controls for the assertions above: the same inbox refuses what is not signed by the hub's key.
    const spoof = (id: string) => ({
      "@context": "https://www.w3.org/ns/activitystreams",
      id, type: "Create", actor: hubUri,
      object: { id: `${noteId}-spoofed`, type: "Note", attributedTo: hubUri, content: "spoofed" },
    });

    it("refuses an unsigned activity claiming to be from the hub", async () => {
      const res = await postRaw(`${peer.origin}/inbox`, JSON.stringify(spoof(`${hubUri}#unsigned`)));
      expect(res.status).toBe(401);
    });

    it("refuses an activity signed with another key under the hub's keyId", async () => {
      const res = await postForged(`${peer.origin}/inbox`, spoof(`${hubUri}#forged`), `${hubUri}#main-key`);
      expect(res.status).toBe(401);
      expect(peer.received.some((a) => a.id === `${hubUri}#unsigned` || a.id === `${hubUri}#forged`)).toBe(false);
    });
  });

  describe("hostile requests", () => {
    const stranger = "http://127.0.0.1:9/users/mallory";
    const follow = (actor: string) => ({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${actor}#follow-${Math.random()}`, type: "Follow", actor, object: hubUri,
    });

    it("refuses an unsigned POST with 401 and stores nothing", async () => {
      const before = await node.store.followers.count(hubHandle);
      const res = await postRaw(`${node.origin}/inbox`, JSON.stringify(follow(stranger)));
      expect(res.status).toBe(401);
      expect(await node.store.followers.count(hubHandle)).toBe(before);
    });

    it("refuses a signature made with a key that is not the keyId owner's (401)", async () => {
      const before = await node.store.followers.count(hubHandle);
      const res = await postForged(`${hubUri}/inbox`, follow(peer.actorUri), peer.keyId);
      expect(res.status).toBe(401);
      expect(await node.store.followers.count(hubHandle)).toBe(before);
    });

    it("refuses a body over 1 MB with 413 before parsing it", async () => {
      const big = JSON.stringify({ ...follow(stranger), padding: "x".repeat(1024 * 1024) });
      const res = await postRaw(`${node.origin}/inbox`, big);
      expect(res.status).toBe(413);
    });

    it("answers malformed JSON with a 4xx, not a 500", async () => {
      const res = await postRaw(`${node.origin}/inbox`, "{not json");
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });
  });

  it("removes the follower on Undo(Follow); later challenges are not delivered to it", async () => {
    await peer.unfollow(hubUri, followId);
    await eventually(async () => (await node.store.followers.count(hubHandle)) === 0, "the follower is removed");

    const later = await publish(challengeInput("de-mobility"));
    await node.federation.relay.drain();
    // Nothing was enqueued for a hub without followers, so nothing is in flight any more.
    expect((await node.store.queue.getDepth()).queued).toBe(0);
    expect(peer.received.some((a) => a.activity.objectId?.href === later.id)).toBe(false);
  });
});
