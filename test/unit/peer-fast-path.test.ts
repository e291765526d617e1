// The peers' fast path with real keys and real signatures: requests are signed by Fedify's own
// signRequest (draft-cavage, as Fedify, Mastodon and IPN peers send them), the actor document is the
// one Fedify serves for that key. Only the allowlist and the document fetch are stubs here; the
// network tests (test/network/fast-path.test.ts) run it between real nodes.
import { generateCryptoKeyPair, signRequest } from "@fedify/fedify";
import { CryptographicKey, Organization } from "@fedify/vocab";
import { preloadedContexts } from "@fedify/vocab-runtime";
import { createPeerFastPath, hintOf, KNOWN_CONTEXTS, peerOnAllowlist, type PeerHint, signingString } from "../../federation/inbound/peer-fast-path";
import { applyHint, hintMessage, MAX_ATTEMPTS, withPeerHints } from "../../federation/inbox/peer-hints";
import type { NetworkInbox } from "../../federation/inbox/deps";
import type { StoreQueue } from "../../node/storage/store";

const PEER = "https://de.ipn.example";
const ACTOR = `${PEER}/hubs/de_mobil`;
const KEY_ID = `${ACTOR}#main-key`;
const INBOX = "https://fr.ipn.example/inbox";
const AS2 = "https://www.w3.org/ns/activitystreams";

const create = (over: Record<string, unknown> = {}) => ({
  "@context": [AS2, "https://w3id.org/security/data-integrity/v1", { Hashtag: "as:Hashtag", sensitive: "as:sensitive" }],
  id: `${PEER}/challenges/c1/activities/create`,
  type: "Create",
  actor: ACTOR,
  object: { id: `${PEER}/challenges/c1`, type: "Note", content: "<p>x</p>" },
  ...over,
});

async function actorDocument(publicKey: CryptoKey, keyId = KEY_ID, actorId = ACTOR): Promise<unknown> {
  const actor = new Organization({
    id: new URL(actorId),
    preferredUsername: actorId.split("/").pop(),
    inbox: new URL(`${actorId}/inbox`),
    publicKey: new CryptographicKey({ id: new URL(keyId), owner: new URL(actorId), publicKey }),
  });
  return actor.toJsonLd({ format: "compact" });
}

async function signed(body: unknown, privateKey: CryptoKey, keyId = KEY_ID, url = INBOX) {
  const request = await signRequest(
    new Request(url, { method: "POST", headers: { "content-type": "application/activity+json" }, body: JSON.stringify(body) }),
    privateKey,
    new URL(keyId),
    { spec: "draft-cavage-http-signatures-12" },
  );
  return { url: new URL(request.url), headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) };
}

let keys: CryptoKeyPair;
let other: CryptoKeyPair;
beforeAll(async () => {
  keys = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
  other = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
});

function setup(over: { peers?: string[]; document?: () => Promise<unknown>; fullPathKinds?: ("Update" | "Delete")[] } = {}) {
  const queued: PeerHint[] = [];
  let loads = 0;
  const fastPath = createPeerFastPath({
    inboxPath: "/inbox",
    isPeer: async (origin) => (over.peers ?? [PEER]).includes(origin),
    loadDocument: async () => { loads++; return (over.document ?? (() => actorDocument(keys.publicKey)))(); },
    enqueue: async (hint) => { queued.push(hint); },
    fullPathKinds: over.fullPathKinds,
  });
  return { fastPath, queued, loads: () => loads };
}

describe("the peers' fast path", () => {
  it("takes an allowlisted peer's Create signed by its hub's own key, and queues what the mirror needs", async () => {
    const { fastPath, queued } = setup();
    expect(await fastPath(await signed(create(), keys.privateKey))).toBe("accepted");
    expect(queued).toEqual([{ kind: "Create", actor: ACTOR, object: `${PEER}/challenges/c1`, activity: `${PEER}/challenges/c1/activities/create` }]);
  });

  it("remembers the actor's key: a second activity does not fetch the actor again", async () => {
    const { fastPath, queued, loads } = setup();
    await fastPath(await signed(create(), keys.privateKey));
    await fastPath(await signed(create({ type: "Update", id: `${PEER}/challenges/c1/activities/update-2` }), keys.privateKey));
    expect(queued.map((h) => h.kind)).toEqual(["Create", "Update"]);
    expect(loads()).toBe(1);
  });

  it("takes an activity id once: a replay of the same signed request is answered again without a second hint", async () => {
    const { fastPath, queued } = setup();
    const request = await signed(create(), keys.privateKey);
    expect(await fastPath(request)).toBe("accepted");
    expect(await fastPath(request)).toBe("accepted");
    expect(await fastPath(await signed(create({ type: "Update", id: `${PEER}/challenges/c1/activities/update-2` }), keys.privateKey))).toBe("accepted");
    expect(queued.map((h) => h.activity)).toEqual([`${PEER}/challenges/c1/activities/create`, `${PEER}/challenges/c1/activities/update-2`]);
  });

  it("queues every activity without an id, and asks again for one whose queueing failed", async () => {
    const queued: PeerHint[] = [];
    let failNext = true;
    const fastPath = createPeerFastPath({
      inboxPath: "/inbox",
      isPeer: async () => true,
      loadDocument: () => actorDocument(keys.publicKey),
      enqueue: async (hint) => {
        if (failNext) { failNext = false; throw new Error("store unavailable"); }
        queued.push(hint);
      },
    });
    const withId = await signed(create(), keys.privateKey);
    await expect(fastPath(withId)).rejects.toThrow("store unavailable");
    expect(await fastPath(withId)).toBe("accepted");
    const { id: _, ...anonymous } = create();
    const noId = await signed(anonymous, keys.privateKey);
    expect(await fastPath(noId)).toBe("accepted");
    expect(await fastPath(noId)).toBe("accepted");
    expect(queued.map((h) => h.activity)).toEqual([`${PEER}/challenges/c1/activities/create`, null, null]);
  });

  it("takes an activity id once per actor: another peer sending that id first does not hide the real one", async () => {
    const HOSTILE = "https://evil.ipn.example/hubs/mimic";
    const queued: PeerHint[] = [];
    const fastPath = createPeerFastPath({
      inboxPath: "/inbox",
      isPeer: async () => true,
      loadDocument: (url) => (url === HOSTILE ? actorDocument(other.publicKey, `${HOSTILE}#main-key`, HOSTILE) : actorDocument(keys.publicKey)),
      enqueue: async (hint) => { queued.push(hint); },
    });
    const guessed = create({ actor: HOSTILE });
    expect(await fastPath(await signed(guessed, other.privateKey, `${HOSTILE}#main-key`))).toBe("accepted");
    expect(await fastPath(await signed(create(), keys.privateKey))).toBe("accepted");
    expect(queued.map((h) => [h.actor, h.activity])).toEqual([
      [HOSTILE, `${PEER}/challenges/c1/activities/create`],
      [ACTOR, `${PEER}/challenges/c1/activities/create`],
    ]);
  });

  it("hands a forged signature (another key claiming the hub's key id) to Fedify, queueing nothing", async () => {
    const { fastPath, queued } = setup();
    expect(await fastPath(await signed(create(), other.privateKey))).toBeNull();
    expect(queued).toEqual([]);
  });

  it("after a key rotation, hands the first request to Fedify and then uses the new key", async () => {
    let current = keys.publicKey;
    const { fastPath, queued, loads } = setup({ document: () => actorDocument(current) });
    expect(await fastPath(await signed(create(), keys.privateKey))).toBe("accepted");
    current = other.publicKey; // the peer rotated its key
    const update = create({ type: "Update", id: `${PEER}/challenges/c1/activities/update-2` });
    expect(await fastPath(await signed(update, other.privateKey))).toBeNull();
    expect(await fastPath(await signed(update, other.privateKey))).toBe("accepted");
    expect(queued).toHaveLength(2);
    expect(loads()).toBe(2);
  });

  it("hands a request whose signed headers were changed on the way to Fedify", async () => {
    const { fastPath, queued } = setup();
    const request = await signed(create(), keys.privateKey);
    // A minute earlier (still inside the time window): one second could fall into the same second as
    // the signed date once toUTCString drops the milliseconds, and change nothing.
    const changed = new Date(Date.now() - 60_000).toUTCString();
    expect(changed).not.toBe(request.headers.get("date"));
    request.headers.set("date", changed);
    expect(await fastPath(request)).toBeNull();
    const elsewhere = await signed(create(), keys.privateKey, KEY_ID, "https://fr.ipn.example/hubs/x/inbox");
    expect(await fastPath({ ...elsewhere, url: new URL(INBOX) })).toBeNull();
    expect(queued).toEqual([]);
  });

  it("leaves to Fedify what it does not read: strangers, keys outside the actor, other inboxes, other activities", async () => {
    const { fastPath, queued } = setup();
    expect(await setup({ peers: [] }).fastPath(await signed(create(), keys.privateKey))).toBeNull();
    expect(await fastPath(await signed(create(), keys.privateKey, `${PEER}/keys/1`))).toBeNull();
    expect(await fastPath(await signed(create(), keys.privateKey, KEY_ID, `${ACTOR}/inbox`))).toBeNull();
    expect(await fastPath(await signed(create({ type: "Follow", object: ACTOR }), keys.privateKey))).toBeNull();
    expect(await setup({ fullPathKinds: ["Update", "Delete"] }).fastPath(await signed(create({ type: "Delete" }), keys.privateKey))).toBeNull();
    expect(queued).toEqual([]);
  });

  it("reads only plain ActivityStreams: a context that redefines what it reads goes to Fedify's JSON-LD path", () => {
    expect(hintOf(create())).not.toBeNull();
    expect(hintOf(create({ "@context": AS2 }))).not.toBeNull();
    expect(hintOf(create({ "@context": [AS2, { object: "https://evil.example/ns#target" }] }))).toBeNull();
    expect(hintOf(create({ "@context": [AS2, { "@vocab": "https://evil.example/ns#" }] }))).toBeNull();
    expect(hintOf(create({ "@context": [AS2, { as: "https://evil.example/ns#" }] }))).toBeNull();
    for (const keyword of ["@protected", "@version", "@language", "@base"]) {
      expect(hintOf(create({ "@context": [AS2, { [keyword]: true, Hashtag: "as:Hashtag" }] }))).toBeNull();
    }
    expect(hintOf(create({ "@context": [AS2, "https://evil.example/context.jsonld"] }))).toBeNull();
    expect(hintOf(create({ "@context": "https://w3id.org/security/v1" }))).toBeNull();
    expect(hintOf({ ...create(), "@type": "Delete" })).toBeNull();
    expect(hintOf(create({ type: ["Create", "Update"] }))).toBeNull();
    expect(hintOf(create({ object: [`${PEER}/challenges/c1`, `${PEER}/challenges/c2`] }))).toBeNull();
    expect(hintOf(create({ actor: { id: ACTOR } }))).toBeNull();
    expect(hintOf(create({ object: "not a url" }))).toBeNull();
  });

  it("trusts only contexts that give the terms it reads no other meaning than ActivityStreams gives them", () => {
    const as2 = (preloadedContexts[AS2] as { "@context": Record<string, unknown> })["@context"];
    for (const url of KNOWN_CONTEXTS) {
      const document = preloadedContexts[url] as { "@context": unknown } | undefined;
      expect(document).toBeDefined();
      const parts = [document!["@context"]].flat().filter((c): c is Record<string, unknown> => typeof c === "object" && c !== null);
      for (const part of parts) {
        for (const term of ["id", "type", "actor", "object", "Create", "Update", "Delete", "Announce"]) {
          if (term in part) expect([url, term, part[term]]).toEqual([url, term, as2[term]]);
        }
      }
    }
  });

  it("rebuilds the signing string of exactly the headers named, and refuses pseudo-headers it does not rebuild", () => {
    const headers = new Headers({ host: "fr.ipn.example", date: "Thu, 03 Dec 2026 10:00:00 GMT" });
    expect(signingString(["(request-target)", "host", "date"], new URL("https://fr.ipn.example/inbox?a=1"), headers))
      .toBe("(request-target): post /inbox?a=1\nhost: fr.ipn.example\ndate: Thu, 03 Dec 2026 10:00:00 GMT");
    expect(signingString(["(request-target)", "(created)"], new URL(INBOX), headers)).toBeNull();
    expect(signingString(["digest"], new URL(INBOX), headers)).toBeNull();
  });
});

describe("the fast path's allowlist check", () => {
  it("reads the allowlist again after a few seconds, and at once for an origin not on it", async () => {
    const listed = new Set(["https://fr.ipn.example"]);
    const reads: string[] = [];
    let clock = 1_000_000;
    const isPeer = peerOnAllowlist({ get: async (origin) => { reads.push(origin); return listed.has(origin) ? { origin } : null; } }, () => clock);

    expect(await isPeer("https://fr.ipn.example")).toBe(true);
    expect(await isPeer("https://fr.ipn.example")).toBe(true);
    expect(reads).toEqual(["https://fr.ipn.example"]);

    // A stranger is asked about every time: once added, it is taken at the next request.
    expect(await isPeer("https://de.ipn.example")).toBe(false);
    listed.add("https://de.ipn.example");
    expect(await isPeer("https://de.ipn.example")).toBe(true);

    // Removed: still taken within the few seconds, refused once they are over.
    listed.delete("https://fr.ipn.example");
    clock += 4_000;
    expect(await isPeer("https://fr.ipn.example")).toBe(true);
    clock += 2_000;
    expect(await isPeer("https://fr.ipn.example")).toBe(false);
    expect(reads).toEqual(["https://fr.ipn.example", "https://de.ipn.example", "https://de.ipn.example", "https://fr.ipn.example"]);
  });
});

describe("peer hints in the inbox lane", () => {
  function lane() {
    const enqueued: { message: unknown; delayMs: number }[] = [];
    let consumer: ((m: unknown) => Promise<void> | void) | null = null;
    const queue: StoreQueue = {
      nativeRetrial: false,
      enqueue: async (message, options) => { enqueued.push({ message, delayMs: options?.delay?.total("millisecond") ?? 0 }); },
      listen: async (handler) => { consumer = handler; },
      getDepth: async () => ({ queued: 7, ready: 7, delayed: 0 }),
      hasten: async () => 0,
    };
    return { queue, enqueued, deliver: (m: unknown) => consumer!(m) };
  }
  const hint: PeerHint = { kind: "Update", actor: ACTOR, object: `${PEER}/challenges/c1`, activity: null };

  it("routes hints to the mirror and every other message to Fedify's handler", async () => {
    const { queue, deliver } = lane();
    const seen: string[] = [];
    const network = { received: async (kind: string, _a: URL | null, o: URL | null) => { seen.push(`${kind} ${o?.href}`); }, deleted: async (_a: URL | null, o: URL | null) => { seen.push(`Delete ${o?.href}`); } };
    const wrapped = withPeerHints(queue, { network: () => network as unknown as NetworkInbox });
    const fedify: unknown[] = [];
    await wrapped.listen((m) => { fedify.push(m); });
    await deliver(hintMessage(hint));
    await deliver(hintMessage({ ...hint, kind: "Delete" }));
    await deliver({ type: "inbox", activity: { type: "Follow" } });
    expect(seen).toEqual([`Update ${PEER}/challenges/c1`, `Delete ${PEER}/challenges/c1`]);
    expect(fedify).toEqual([{ type: "inbox", activity: { type: "Follow" } }]);
    expect(await wrapped.getDepth()).toEqual({ queued: 7, ready: 7, delayed: 0 });
  });

  it("queues a hint that failed again later, with a growing delay, and gives up after the last attempt", async () => {
    const { queue, enqueued } = lane();
    const outcomes: string[] = [];
    const failing = { received: async () => { throw new Error("origin unreachable"); } } as unknown as NetworkInbox;
    await applyHint(queue, hintMessage(hint), { network: () => failing, onOutcome: (_t, o) => outcomes.push(o) });
    await applyHint(queue, hintMessage(hint, 3), { network: () => failing, onOutcome: (_t, o) => outcomes.push(o) });
    expect(enqueued.map((e) => [(e.message as { attempt: number }).attempt, e.delayMs])).toEqual([[1, 10_000], [4, 80_000]]);
    await applyHint(queue, hintMessage(hint, MAX_ATTEMPTS - 1), { network: () => failing, onOutcome: (_t, o) => outcomes.push(o) });
    expect(enqueued).toHaveLength(2);
    expect(outcomes).toEqual(["retried", "retried", "abandoned"]);
  });
});
