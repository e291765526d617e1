// Interop with an independent ActivityPub implementation: bovine-herd (Python, from PyPI, built
// into .ci/cache/bovine-venv by .ci/bovine.sh on first use). bovine answers unsigned GETs of its
// actors with 401, signs its own fetches and deliveries, and verifies every delivery's signature
// against the sender's key before it stores anything. A supplier account on bovine follows hubs of
// a real node by their actor URLs (plain http on loopback, test mode): once through the node's
// shared inbox (GoToSocial's path, which needs the node's signed fetches), once the way bovine
// itself delivers (the hub's own inbox); it then sees a challenge's Create, Update and Delete.
import { challengeInput, fixture, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { startHerd, TEST_USER_AGENT, type Herd, type InboxEntry, type Json } from "./bovine/herd";

let node: TestNode;
let herd: Herd;

/** Per step: two bounded waits of bovine's background processing (see eventually) fit in it. */
const STEP_MS = 120_000;

interface Hub { handle: string; uri: string; token: string }

/** The node's JSON API, as an editor or the operator calls it. */
async function api(method: string, path: string, token: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; json: Json; location: string | null }> {
  const res = await fetch(`${node.listenUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {}, location: res.headers.get("location") };
}

async function createHub(body: Record<string, unknown>): Promise<Hub> {
  const created = await api("POST", "/api/v1/hubs", ADMIN_TOKEN, body);
  expect(created.status).toBe(201);
  return { handle: created.json.hub.preferredUsername, uri: created.json.hub.id, token: created.json.token };
}

async function publish(hub: Hub): Promise<{ key: string; noteId: string }> {
  const res = await api("POST", `/api/v1/hubs/${hub.handle}/challenges`, hub.token, challengeInput("de-mobility"));
  expect(res.status).toBe(201);
  return { key: String(res.location).split("/").pop()!, noteId: res.json.id };
}

/**
 * Bounded polling. bovine processes its inbox in background tasks (and retries a failed one once,
 * 3–33 s later), so waits are generous; a failure names what was awaited and shows bovine's log.
 */
async function eventually<T>(what: string, check: () => Promise<T | false | null | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}\n--- bovine-herd log (tail) ---\n${herd.log().slice(-6000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const inboxEntry = (type: string, objectId: string) => async (): Promise<InboxEntry | undefined> =>
  (await herd.inbox()).find((e) => e.activity.type === type && (e.activity.object === objectId || e.activity.object?.id === objectId));

/** Waits until the node counts the supplier as a follower of `hub` and bovine has recorded the Accept. */
async function followEstablished(hub: Hub): Promise<void> {
  await eventually(`the node lists the bovine supplier as a follower of ${hub.handle}`, async () => (await node.store.followers.count(hub.handle)) === 1);
  await eventually(`bovine records ${hub.handle}'s Accept (following collection)`, async () => (await herd.following()).includes(hub.uri));
}

beforeAll(async () => {
  node = await startTestNode();
  herd = await startHerd(); // builds the venv first if it is missing (about 1 min)
}, 10 * 60_000);

afterAll(async () => {
  await herd?.stop();
  await node?.stop();
});

it("bovine itself refuses unsigned fetches of the supplier (it is a signed-fetch server)", async () => {
  const res = await fetch(herd.actorId, { headers: { accept: "application/activity+json", "user-agent": TEST_USER_AGENT } });
  expect(res.status).toBe(401);
});

describe("a supplier on bovine-herd follows a hub through the node's shared inbox (where GoToSocial delivers)", () => {
  // Runs first, while the node knows nothing of bovine's supplier: verifying the Follow's signature
  // and processing it both need the supplier's actor, which bovine serves only to signed requests.
  let hub: Hub;

  beforeAll(async () => {
    hub = await createHub(hubInput("bovine_shared"));
  });

  it("the node accepts a bovine-signed Follow on its shared inbox and answers with an Accept", async () => {
    const sent = await herd.follow(hub.uri, { inbox: `${node.origin}/inbox` });
    expect(sent).toMatchObject({ status: 202 });
    await followEstablished(hub);
  }, STEP_MS);

  it("receives the hub's challenges", async () => {
    const { noteId } = await publish(hub);
    const entry = await eventually("a Create of the challenge in bovine's inbox", inboxEntry("Create", noteId));
    expect(entry.object).toMatchObject({ id: noteId, type: "Note", attributedTo: hub.uri });
  }, STEP_MS);
});

describe("a supplier on bovine-herd follows a hub (bovine delivers to the hub's own inbox)", () => {
  let hub: Hub;
  let key: string;
  let noteId: string;

  beforeAll(async () => {
    const body = fixture("hubs", "hub-de-muenchen-mobil");
    for (const f of ["id", "node", "published", "updated"]) delete body[f];
    hub = await createHub(body);
  });

  it("follows the hub by its actor URL; the node accepts and bovine records the Accept", async () => {
    const sent = await herd.follow(hub.uri);
    expect(sent.id.startsWith(herd.origin)).toBe(true);
    await followEstablished(hub);
  }, STEP_MS);

  it("receives a published challenge as Create(Note)", async () => {
    ({ key, noteId } = await publish(hub));
    const entry = await eventually("a Create of the challenge in bovine's inbox", inboxEntry("Create", noteId));
    expect(entry.activity).toMatchObject({ id: `${noteId}/activities/create`, actor: hub.uri });
    expect(entry.object).toMatchObject({ id: noteId, type: "Note", attributedTo: hub.uri });
    expect(String(entry.object!.content)).toContain("Lieferzonen");
  }, STEP_MS);

  it("receives an edit as Update; bovine's copy shows the new text", async () => {
    const patched = await api("PATCH", `/api/v1/challenges/${key}`, hub.token,
      { title: { de: "Lieferzonen in der Altstadt (neu)", en: "Loading zones (new)" } }, "application/merge-patch+json");
    expect(patched.status).toBe(200);
    const entry = await eventually("an Update of the challenge in bovine's inbox", inboxEntry("Update", noteId));
    expect(entry.activity).toMatchObject({ actor: hub.uri });
    await eventually("bovine's stored Note carries the edit", async () => {
      const now = (await herd.inbox()).find((e) => e.activity.type === "Create" && e.object?.id === noteId);
      return String(now?.object?.content).includes("(neu)");
    });
  }, STEP_MS);

  it("receives a withdrawal as Delete; bovine's copy becomes a Tombstone", async () => {
    expect((await api("DELETE", `/api/v1/challenges/${key}`, hub.token)).status).toBe(204);
    const entry = await eventually("a Delete of the challenge in bovine's inbox", inboxEntry("Delete", noteId));
    expect(entry.activity).toMatchObject({ actor: hub.uri });
    expect(entry.object).toMatchObject({ id: noteId, type: "Tombstone" });
  }, STEP_MS);

  it("control: bovine's inbox refuses an unsigned Create claiming to be from the hub, so what it recorded was verified", async () => {
    const spoofed = `${hub.uri}/spoofed-${Date.now()}`;
    const res = await fetch(herd.inboxUrl, {
      method: "POST",
      headers: { "content-type": "application/activity+json", "user-agent": TEST_USER_AGENT },
      body: JSON.stringify({
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${spoofed}/activities/create`, type: "Create", actor: hub.uri,
        object: { id: spoofed, type: "Note", attributedTo: hub.uri, content: "spoofed" },
      }),
    });
    expect(res.status).toBe(401);
    expect(await inboxEntry("Create", spoofed)()).toBeUndefined();
  });
});

describe("what bovine saw of the node, after both follows", () => {
  it("every request the node made to bovine was signed and accepted (bovine answered none with 401)", () => {
    const fromNode = herd.requests().filter((r) => r.userAgent !== TEST_USER_AGENT);
    expect(fromNode.filter((r) => r.method === "GET").length).toBeGreaterThan(0); // it did fetch the supplier
    expect(fromNode.filter((r) => r.status === 401)).toEqual([]);
  });
});
