// Followers are who they say (issue 8, principle 5), tried with GoToSocial-like servers on loopback
// against a real node: the instance actor — whose followers would receive every hub's activities —
// Rejects a follow from anyone but an allowlisted peer's instance actor and stores nothing; a follower
// whose inboxes live on another origin is refused; and an Undo changes only the signer's own follow.
import { Follow, Reject, Undo } from "@fedify/vocab";
import { isAccept, startFakePeer, type FakePeer } from "../support/fake-peer";
import { startTestNode, type TestNode } from "../support/node";
import { createFixtureHub } from "../support/remote";
import { processed } from "./processed";

let node: TestNode;
let hubUri: string;
let hubHandle: string;
const peers: FakePeer[] = [];

async function peer(options?: Parameters<typeof startFakePeer>[0]): Promise<FakePeer> {
  const p = await startFakePeer(options);
  peers.push(p);
  return p;
}

const followersOf = async (handle: string) => (await node.store.followers.all(handle)).map((f) => f.actorId).sort();

beforeAll(async () => {
  node = await startTestNode();
  ({ id: hubUri, handle: hubHandle } = await createFixtureHub(node));
});

afterAll(async () => {
  for (const p of peers) await p.close();
  await node?.stop();
});

describe("the instance actor", () => {
  it("has a username GoToSocial accepts, resolvable through WebFinger", async () => {
    const stranger = await peer();
    const actor = await stranger.lookupActor(`${node.origin}/actor`); // fails on a colon or a WebFinger mismatch
    expect(actor.preferredUsername?.toString()).toBe("127_0_0_1");
  });

  it("rejects a follow from a server that is not an allowlisted peer, and stores nothing", async () => {
    const stranger = await peer();
    const followId = await stranger.follow(`${node.origin}/actor`);
    const reject = await stranger.waitFor((a) => a.activity instanceof Reject);
    expect(reject.activity.actorId?.href).toBe(`${node.origin}/actor`);
    expect(reject.raw.object).toMatchObject({ id: followId, type: "Follow", actor: stranger.actorUri });
    expect(stranger.received.some(isAccept)).toBe(false);
    expect(await node.store.followers.count("ipn.instance")).toBe(0);
  });
});

describe("a follower's inboxes", () => {
  it("refuses a follower whose inboxes are on another origin: nothing stored, no Accept sent there", async () => {
    const victim = await peer();
    const sneaky = await peer({ inboxes: { inbox: `${victim.origin}/users/tester/inbox`, sharedInbox: `${victim.origin}/inbox` } });
    const followId = await sneaky.follow(hubUri);
    await processed(node, followId);
    expect(await followersOf(hubHandle)).not.toContain(sneaky.actorUri);
    expect(victim.received).toEqual([]);
  });
});

describe("Undo", () => {
  let alice: FakePeer;
  let mallory: FakePeer;
  let aliceFollow: string;

  beforeAll(async () => {
    alice = await peer();
    mallory = await peer();
    aliceFollow = await alice.follow(hubUri);
    await alice.waitFor(isAccept);
    await mallory.follow(hubUri);
    await mallory.waitFor(isAccept);
    expect(await followersOf(hubHandle)).toEqual([alice.actorUri, mallory.actorUri].sort());
  });

  it("of another actor's Follow (embedded, in the signer's own namespace) changes nothing", async () => {
    const undoId = `${mallory.origin}/undo/forged-embedded`;
    await mallory.send(hubUri, (hub) => new Undo({
      id: new URL(undoId),
      actor: new URL(mallory.actorUri),
      object: new Follow({ id: new URL(`${mallory.origin}/follows/claimed`), actor: new URL(alice.actorUri), object: hub.id }),
    }));
    await processed(node, undoId);
    expect(await followersOf(hubHandle)).toEqual([alice.actorUri, mallory.actorUri].sort());
  });

  it("of another actor's Follow by its id changes nothing", async () => {
    const undoId = `${mallory.origin}/undo/forged-by-id`;
    await mallory.send(hubUri, (hub) => new Undo({
      id: new URL(undoId),
      actor: new URL(mallory.actorUri),
      object: new Follow({ id: new URL(aliceFollow), actor: new URL(alice.actorUri), object: hub.id }),
    }));
    await processed(node, undoId);
    expect(await followersOf(hubHandle)).toEqual([alice.actorUri, mallory.actorUri].sort());
  });

  it("of the signer's own Follow removes exactly that follower", async () => {
    await alice.unfollow(hubUri, aliceFollow);
    await processed(node, `${aliceFollow}/undo`);
    expect(await followersOf(hubHandle)).toEqual([mallory.actorUri]);
  });
});
