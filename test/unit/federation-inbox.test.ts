// Inbox handlers: follows of our hubs are stored and accepted; Undo(Follow) removes exactly the
// signer's follow; anything we cannot attribute to a follow leaves followers untouched.
import type { InboxContext } from "@fedify/fedify";
import { Accept, Follow, Like, Person, Undo, type Activity } from "@fedify/vocab";
import { handleFollow } from "../../federation/inbox/follow";
import { handleUndo } from "../../federation/inbox/undo";
import type { Hub } from "../../node/domain/types";
import { memoryRepos } from "../federation/memory-repos";

const ORIGIN = "https://de.ipn.example";
const HANDLE = "muenchen_mobil";
const HUB = `${ORIGIN}/hubs/${HANDLE}`;
const REMOTE = "https://social.example";
const ALICE = `${REMOTE}/users/alice`;

function setup(recipient: string | null = null) {
  const repos = memoryRepos();
  void repos.hubs.insert({ handle: HANDLE, doc: { id: HUB, preferredUsername: HANDLE } as Hub, tokenHash: "x" });
  const sent: { recipient: unknown; activity: Activity }[] = [];
  const ctx = {
    recipient,
    parseUri: (uri: URL | null) => {
      const m = uri && new RegExp(`^${ORIGIN}/hubs/([^/]+)$`).exec(uri.href);
      return m ? { type: "actor", identifier: m[1] } : null;
    },
    getActorUri: (id: string) => new URL(`${ORIGIN}/hubs/${id}`),
    sendActivity: async (_sender: unknown, r: unknown, activity: Activity) => { sent.push({ recipient: r, activity }); },
    // Nothing is fetched in these tests: every remote lookup fails like an unreachable server.
    documentLoader: async (url: string) => { throw new Error(`no network in unit tests: ${url}`); },
    contextLoader: async (url: string) => { throw new Error(`no network in unit tests: ${url}`); },
  } as unknown as InboxContext<void>;
  return { repos, ctx, sent };
}

// social.example is a public server; internal.example resolves into a private network.
const resolver = async (host: string) => [{ address: host === "internal.example" ? "10.0.0.7" : "93.184.216.34", family: 4 as const }];

const alice = new Person({ id: new URL(ALICE), inbox: new URL(`${ALICE}/inbox`), endpoints: null });
const followOf = (object: string, id = `${REMOTE}/follows/1`) => new Follow({ id: new URL(id), actor: alice, object: new URL(object) });

describe("Follow", () => {
  it("stores the follower and sends an Accept embedding the Follow with its id", async () => {
    const { repos, ctx, sent } = setup();
    await handleFollow({ repos, resolver }, ctx, followOf(HUB));
    expect(await repos.followers.all(HANDLE)).toEqual([{ actorId: ALICE, inbox: `${ALICE}/inbox`, sharedInbox: null, followId: `${REMOTE}/follows/1` }]);
    expect(sent).toHaveLength(1);
    const accept = sent[0]!.activity;
    expect(accept).toBeInstanceOf(Accept);
    expect(accept.actorId?.href).toBe(HUB);
    expect(accept.objectId?.href).toBe(`${REMOTE}/follows/1`);
  });

  it("drops a follower whose inbox points into a private network, without accepting", async () => {
    const { repos, ctx, sent } = setup();
    const sneaky = new Person({ id: new URL(ALICE), inbox: new URL("https://internal.example/inbox"), endpoints: null });
    await handleFollow({ repos, resolver }, ctx, new Follow({ id: new URL(`${REMOTE}/follows/2`), actor: sneaky, object: new URL(HUB) }));
    expect(await repos.followers.count(HANDLE)).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it("ignores follows of hubs that do not exist", async () => {
    const { repos, ctx, sent } = setup();
    await handleFollow({ repos, resolver }, ctx, followOf(`${ORIGIN}/hubs/nobody`));
    expect(await repos.followers.count("nobody")).toBe(0);
    expect(sent).toHaveLength(0);
  });
});

describe("Undo", () => {
  const seeded = async (recipient: string | null = null) => {
    const s = setup(recipient);
    await s.repos.followers.add(HANDLE, { actorId: ALICE, inbox: `${ALICE}/inbox`, sharedInbox: null, followId: `${REMOTE}/follows/1` });
    return s;
  };

  it("removes the follower when the embedded Follow names our hub", async () => {
    const { repos, ctx } = await seeded();
    await handleUndo({ repos }, ctx, new Undo({ id: new URL(`${REMOTE}/undo/1`), actor: new URL(ALICE), object: followOf(HUB) }));
    expect(await repos.followers.count(HANDLE)).toBe(0);
  });

  it("keeps followers on an Undo of a Like", async () => {
    const { repos, ctx } = await seeded(HANDLE);
    const like = new Like({ id: new URL(`${REMOTE}/likes/1`), actor: new URL(ALICE), object: new URL(`${ORIGIN}/challenges/x`) });
    await handleUndo({ repos }, ctx, new Undo({ id: new URL(`${REMOTE}/undo/2`), actor: new URL(ALICE), object: like }));
    expect(await repos.followers.count(HANDLE)).toBe(1);
  });

  it("matches an unresolvable object only by a stored Follow id", async () => {
    const { repos, ctx } = await seeded(HANDLE);
    await handleUndo({ repos }, ctx, new Undo({ id: new URL(`${REMOTE}/undo/3`), actor: new URL(ALICE), object: new URL(`${REMOTE}/likes/9`) }));
    expect(await repos.followers.count(HANDLE)).toBe(1);
    await handleUndo({ repos }, ctx, new Undo({ id: new URL(`${REMOTE}/undo/4`), actor: new URL(ALICE), object: new URL(`${REMOTE}/follows/1`) }));
    expect(await repos.followers.count(HANDLE)).toBe(0);
  });
});
