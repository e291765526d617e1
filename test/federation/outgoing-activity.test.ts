// The activity the relay and the feeds send, serialised and signed once (ADR 0019), is what Fedify's
// sendActivity would have enqueued: for each kind of activity the node sends, both paths run against
// the same federation, keys and recipients, and their outbox messages are compared whole — every field,
// the activity's JSON included — apart from what differs on every signing (ids, instants, signature
// values). The proof and the Linked Data signature of ours are then checked with Fedify's own verifiers.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createFederation, createSignature, generateCryptoKeyPair, type MessageQueue, MemoryKvStore, verifyJsonLd, verifyObject,
} from "@fedify/fedify";
import { Activity, Announce, Endpoints, Organization, PUBLIC_COLLECTION, type Recipient, Undo } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { activityFromRecord } from "../../federation/activities";
import { toRecipient } from "../../federation/actors";
import { inboxesOf, recipientsOf, targetsOfFollowers } from "../../federation/transport/delivery-targets";
import { createActivitySender, fedifySender, rewriteOutgoing } from "../../federation/transport/outgoing-activity";
import type { ActivityRecord, Follower } from "../../node/domain/ports";
import type { Challenge } from "../../node/domain/types";

const ORIGIN = "https://de.ipn.example";
const HANDLE = "muenchen_mobil";
const HUB = `${ORIGIN}/hubs/${HANDLE}`;
const doc = JSON.parse(readFileSync(join(__dirname, "../fixtures/challenges/challenge-de-mobility.json"), "utf8")) as Challenge;

type Json = Record<string, unknown>;
interface Queued { message: Json; orderingKey?: string }

/** An outbox lane that keeps what is enqueued. */
function capture(): MessageQueue & { queued: Queued[] } {
  const queued: Queued[] = [];
  return {
    queued,
    async enqueue(message, options) {
      queued.push({ message: message as Json, orderingKey: options?.orderingKey });
    },
    async listen() {},
  };
}

async function setUp() {
  const rsa = await generateCryptoKeyPair("RSASSA-PKCS1-v1_5");
  const ed = await generateCryptoKeyPair("Ed25519");
  const outbox = capture();
  const federation = createFederation<void>({ kv: new MemoryKvStore(), queue: { outbox, inbox: capture(), fanout: capture() }, manuallyStartQueue: true });
  federation
    .setActorDispatcher("/hubs/{identifier}", async (ctx, identifier) => {
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Organization({
        id: ctx.getActorUri(identifier), preferredUsername: identifier, inbox: ctx.getInboxUri(identifier),
        publicKey: pairs[0]!.cryptographicKey, assertionMethods: pairs.map((p) => p.multikey),
      });
    })
    .setKeyPairsDispatcher(() => [rsa, ed]);
  federation.setInboxListeners("/hubs/{identifier}/inbox", "/inbox");
  federation.setFollowersDispatcher("/hubs/{identifier}/followers", () => ({ items: [] }));
  const ours = capture();
  const sender = createActivitySender({ federation, origin: ORIGIN, outbox: ours });
  // The verifiers read the actor (its keys) from here, and contexts from Fedify's preloaded copies.
  const contexts = getDocumentLoader();
  const response = await federation.fetch(new Request(HUB, { headers: { accept: "application/activity+json" } }), { contextData: undefined });
  const actorJson = (await response.json()) as Json;
  const loader = async (url: string) => (url.startsWith(HUB) ? { contextUrl: null, documentUrl: url, document: actorJson } : contexts(url));
  return { federation, fedify: outbox, ours, sender, loader, rsa };
}

const recipients: Recipient[] = [
  { id: new URL("https://social.example/users/alice"), inboxId: new URL("https://social.example/users/alice/inbox"), endpoints: new Endpoints({ sharedInbox: new URL("https://social.example/inbox") }) },
  { id: new URL("https://social.example/users/bob"), inboxId: new URL("https://social.example/users/bob/inbox"), endpoints: new Endpoints({ sharedInbox: new URL("https://social.example/inbox") }) },
  { id: new URL("https://gts.example/users/carol"), inboxId: new URL("https://gts.example/users/carol/inbox"), endpoints: null },
];

function record(type: ActivityRecord["type"]): ActivityRecord {
  const id = `${ORIGIN}/challenges/k1`;
  const object: Challenge = { ...doc, id, url: id, hub: HUB, revision: 2, published: "2026-10-20T08:00:00Z", updated: "2026-10-22T08:00:00Z" };
  return { id: `${id}/activities/${type.toLowerCase()}`, type, actor: HUB, objectId: id, revision: 2, published: object.updated!, object, federatedAt: null };
}

function announce(): Announce {
  return new Announce({
    id: new URL(`${ORIGIN}/announces/feed_eu/abc-2`), actor: new URL(HUB), object: new URL("https://fr.ipn.example/challenges/x"),
    published: Temporal.Instant.from("2026-10-22T08:00:00Z"), tos: [PUBLIC_COLLECTION], ccs: [new URL(`${HUB}/followers`), new URL("https://fr.ipn.example/hubs/h")],
  });
}

const activities: [string, () => Activity][] = [
  ["a Create of a challenge (the Note with its attachments)", () => activityFromRecord(record("Create"), { origin: ORIGIN, country: "DE" })],
  ["an Update", () => activityFromRecord(record("Update"), { origin: ORIGIN, country: "DE" })],
  ["a Delete (a Tombstone, no attachment)", () => activityFromRecord(record("Delete"), { origin: ORIGIN, country: "DE" })],
  ["a feed's Announce", announce],
  ["the Undo of an Announce (the Announce embedded)", () => new Undo({ id: new URL(`${ORIGIN}/announces/feed_eu/abc-2#undo`), actor: new URL(HUB), object: announce(), tos: [PUBLIC_COLLECTION] })],
];

/** What differs on every signing: message ids and instants, the proof's and signature's values and instants. */
function comparable(q: Queued) {
  const { id: _id, started: _started, activity, ...rest } = q.message;
  const json = structuredClone(activity) as Json;
  const proof = json.proof as Json | undefined;
  const signature = json.signature as Json | undefined;
  if (proof) proof.proofValue = proof.created = "…";
  if (signature) signature.signatureValue = signature.created = "…";
  return { ...rest, activity: json, queuedWith: q.orderingKey };
}

describe("an activity serialised and signed once", () => {
  it.each(activities)("%s: the outbox messages equal Fedify's sendActivity's, field for field", async (_name, make) => {
    const { federation, fedify, ours, sender, loader, rsa } = await setUp();
    await fedifySender(federation, ORIGIN).send(HANDLE, recipients, make(), "order-key");
    await sender.send(HANDLE, recipients, make(), "order-key");

    expect(ours.queued).toHaveLength(2); // one per shared inbox, one personal inbox
    const byInbox = (qs: Queued[]) => Object.fromEntries(qs.map((q) => [q.message.inbox as string, comparable(q)]));
    expect(byInbox(ours.queued)).toEqual(byInbox(fedify.queued));
    // The public audience is written out in full, as Fedify does for servers that do not expand CURIEs.
    const sent = ours.queued[0]!.message.activity as Json;
    expect(sent.to).toBe("https://www.w3.org/ns/activitystreams#Public");

    // Fedify's own verifiers accept our integrity proof and Linked Data signature.
    expect(await verifyJsonLd(sent, { documentLoader: loader, contextLoader: loader })).toBe(true);
    // The Linked Data signature is the one Fedify's signJsonLd makes, byte for byte (RSASSA-PKCS1-v1_5 is
    // deterministic): ours canonicalises with jsonld's Node build, Fedify with its browser build.
    const { signature, ...unsigned } = sent as Json & { signature: Json };
    const created = signature.created as string;
    const fedifys = await createSignature(unsigned, rsa.privateKey, new URL(signature.creator as string), {
      contextLoader: loader, created: { toString: () => created } as never,
    });
    expect(signature).toEqual(fedifys);
    // The proof covers the activity without the Linked Data signature, which a receiver checks and detaches first.
    const { signature: _signature, ...proved } = sent;
    const verified = await verifyObject(Activity, proved, { documentLoader: loader, contextLoader: loader });
    expect(verified?.id?.href).toBe(make().id!.href);
    // Tampered with, neither verifies any more.
    expect(await verifyObject(Activity, { ...proved, published: "2020-01-01T00:00:00Z" }, { documentLoader: loader, contextLoader: loader })).toBeNull();
    expect(await verifyJsonLd({ ...sent, published: "2020-01-01T00:00:00Z" }, { documentLoader: loader, contextLoader: loader })).toBe(false);
  });

  it("sends nothing to nobody, and every message of one activity carries one body and one instant", async () => {
    const { ours, sender } = await setUp();
    await sender.send(HANDLE, [], announce(), "k");
    expect(ours.queued).toHaveLength(0);
    await sender.send(HANDLE, recipients, announce(), "k");
    const [a, b] = ours.queued.map((q) => q.message);
    expect(a!.activity).toBe(b!.activity);
    expect(a!.started).toBe(b!.started);
    expect(new Set(ours.queued.map((q) => q.orderingKey))).toEqual(new Set(["k\nhttps://social.example", "k\nhttps://gts.example"]));
  });
});

describe("Fedify's outgoing rewrites", () => {
  it("write the public audience out in addressing fields only, wrap a lone attachment, and leave the input as it was", () => {
    const input = {
      "@context": "https://www.w3.org/ns/activitystreams", type: "Create", to: ["as:Public", "https://x.example/a"], name: "as:Public",
      object: { type: "Note", cc: "Public", attachment: { type: "Link", href: "https://x.example" } },
    };
    const before = structuredClone(input);
    const out = rewriteOutgoing(input);
    expect(out?.doc).toEqual({
      "@context": "https://www.w3.org/ns/activitystreams", type: "Create", to: ["https://www.w3.org/ns/activitystreams#Public", "https://x.example/a"], name: "as:Public",
      object: { type: "Note", cc: "https://www.w3.org/ns/activitystreams#Public", attachment: [{ type: "Link", href: "https://x.example" }] },
    });
    expect(out?.places).toEqual(["Create.object>Note.attachment[]", "Create.object>Note.cc", "Create.to"]);
    expect(input).toEqual(before);
  });

  it("leave a document with a nested @context to Fedify (a local context can redefine what they rewrite)", () => {
    expect(rewriteOutgoing({ "@context": "https://www.w3.org/ns/activitystreams", type: "Create", object: { "@context": { Public: "https://evil.example/" }, type: "Note", to: "Public" } })).toBeNull();
  });
});

describe("delivery targets straight from stored followers (the relay's and the feeds' audience)", () => {
  const followers: Follower[] = [
    { actorId: "https://social.example/users/alice", inbox: "https://social.example/users/alice/inbox", sharedInbox: "https://social.example/inbox", followId: null },
    { actorId: "https://gts.example/users/carol", inbox: "https://gts.example/users/carol/inbox", sharedInbox: null, followId: null },
    { actorId: "https://social.example/users/bob", inbox: "https://social.example/users/bob/inbox", sharedInbox: "https://social.example/inbox", followId: null },
    // A personal inbox that is another server's shared inbox: the first follower met decides the kind, as in Fedify.
    { actorId: "https://odd.example/users/dave", inbox: "https://odd.example/inbox", sharedInbox: null, followId: null },
    { actorId: "https://odd.example/users/erin", inbox: "https://odd.example/users/erin/inbox", sharedInbox: "https://odd.example/inbox", followId: null },
  ];
  const entries = (t: Map<string, { actorIds: Set<string>; sharedInbox: boolean }>) => [...t].map(([inbox, e]) => [inbox, [...e.actorIds], e.sharedInbox]);

  it("are the inboxes Fedify's extractInboxes makes from the same followers as recipients, in the same order", () => {
    const ours = targetsOfFollowers(followers);
    expect(entries(ours)).toEqual(entries(inboxesOf(followers.map(toRecipient))));
    expect(entries(ours)).toEqual([
      ["https://social.example/inbox", ["https://social.example/users/alice", "https://social.example/users/bob"], true],
      ["https://gts.example/users/carol/inbox", ["https://gts.example/users/carol"], false],
      ["https://odd.example/inbox", ["https://odd.example/users/dave", "https://odd.example/users/erin"], false],
    ]);
    // Turned back into recipients (Fedify's path, when ours does not apply), they group the same way.
    expect(entries(inboxesOf(recipientsOf(ours)))).toEqual(entries(ours));
  });

  it("give the same outbox messages as the recipients they stand for, on our path and on Fedify's", async () => {
    const asRecipients = await setUp();
    const asTargets = await setUp();
    const make = activities[0]![1];
    const stored: Follower[] = recipients.map((r) => ({
      actorId: r.id!.href, inbox: r.inboxId!.href, sharedInbox: r.endpoints?.sharedInbox?.href ?? null, followId: null,
    }));
    await asRecipients.sender.send(HANDLE, recipients, make(), "k");
    await asTargets.sender.send(HANDLE, targetsOfFollowers(stored), make(), "k");
    await fedifySender(asRecipients.federation, ORIGIN).send(HANDLE, recipients, make(), "k");
    await fedifySender(asTargets.federation, ORIGIN).send(HANDLE, targetsOfFollowers(stored), make(), "k");
    const shape = (qs: Queued[]) => qs.map((q) => ({ inbox: q.message.inbox, sharedInbox: q.message.sharedInbox, actorIds: q.message.actorIds, key: q.orderingKey }));
    expect(asTargets.ours.queued).toHaveLength(2);
    expect(shape(asTargets.ours.queued)).toEqual(shape(asRecipients.ours.queued));
    expect(asTargets.fedify.queued).toHaveLength(2);
    expect(shape(asTargets.fedify.queued)).toEqual(shape(asRecipients.fedify.queued));
  });
});
