// A key speaks only for its own actor, and signatures must be strong and well formed (issue 8,
// principles 2 and 3), tried against a real node by forgers of our own (test/support/hostile/
// forge-server.ts): raw servers with their own keys that serve whatever key and actor documents they
// like and sign inbox POSTs by hand. Every case is checked on what a user would notice — a follower
// that appears, an Accept that is sent, a challenge that disappears — and on the answer: 400/401,
// never a 500. A control case signed the same way with full coverage is accepted, so each refusal
// is the rule at work and not a broken signature.
import { actorDocument, keyDocument, post, signCavage, signRfc9421, startForgeServer, type ForgeServer } from "../support/hostile/forge-server";
import { startTestNode, type TestNode } from "../support/node";
import { createFixtureHub } from "../support/remote";

let node: TestNode;
let hubUri: string;
let hubHandle: string;
let inbox: string;
let forger: ForgeServer;
let victim: ForgeServer;

const followersOf = async () => (await node.store.followers.all(hubHandle)).map((f) => f.actorId);

function follow(actor: string, id = `${actor}#follows/${crypto.randomUUID()}`): string {
  return JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id, type: "Follow", actor, object: hubUri });
}

beforeAll(async () => {
  node = await startTestNode();
  ({ id: hubUri, handle: hubHandle } = await createFixtureHub(node));
  inbox = `${node.origin}/inbox`;

  forger = await startForgeServer();
  victim = await startForgeServer();
  // The victim is an ordinary account on its own server, with its own key.
  victim.serve("/users/victim", actorDocument(`${victim.origin}/users/victim`, { id: `${victim.origin}/users/victim#main-key`, pem: victim.publicKeyPem }));
  // The forger's own account, with its key inside its actor document (the usual shape).
  forger.serve("/users/mallory", actorDocument(`${forger.origin}/users/mallory`, { id: `${forger.origin}/users/mallory#main-key`, pem: forger.publicKeyPem }));
  // A key document on the forger's server that *claims* to belong to the victim.
  forger.serve("/keys/claims-victim", keyDocument(`${forger.origin}/keys/claims-victim`, `${victim.origin}/users/victim`, forger.publicKeyPem));
  // An account on the forger's server whose document does not list the key that claims it.
  forger.serve("/users/alice", actorDocument(`${forger.origin}/users/alice`, null));
  forger.serve("/users/bob", actorDocument(`${forger.origin}/users/bob`, { id: `${forger.origin}/users/bob#main-key`, pem: forger.publicKeyPem }));
  forger.serve("/keys/claims-alice", keyDocument(`${forger.origin}/keys/claims-alice`, `${forger.origin}/users/alice`, forger.publicKeyPem));
});

afterAll(async () => {
  await forger?.close();
  await victim?.close();
  await node?.stop();
});

const mallory = () => `${forger.origin}/users/mallory`;
const malloryKey = () => `${forger.origin}/users/mallory#main-key`;

async function until(what: string, predicate: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("a key speaks only for its own actor", () => {
  it("refuses a Follow in someone else's name signed with a key that claims them from another origin", async () => {
    const body = follow(`${victim.origin}/users/victim`);
    const headers = await signCavage({ url: inbox, body, keyId: `${forger.origin}/keys/claims-victim`, privateKey: forger.privateKey });
    expect(await post(inbox, body, headers)).toBe(401);
    expect(await followersOf()).not.toContain(`${victim.origin}/users/victim`);
    expect(victim.requests.filter((p) => p.endsWith("/inbox"))).toEqual([]); // no Accept went to the victim
  });

  it("refuses the same forgery with an RFC 9421 signature", async () => {
    const body = follow(`${victim.origin}/users/victim`);
    const headers = await signRfc9421({ url: inbox, body, keyId: `${forger.origin}/keys/claims-victim`, privateKey: forger.privateKey });
    expect(await post(inbox, body, headers)).toBe(401);
    expect(await followersOf()).not.toContain(`${victim.origin}/users/victim`);
  });

  it("refuses a key on the actor's own server that the actor's document does not list", async () => {
    const body = follow(`${forger.origin}/users/alice`);
    const headers = await signCavage({ url: inbox, body, keyId: `${forger.origin}/keys/claims-alice`, privateKey: forger.privateKey });
    expect(await post(inbox, body, headers)).toBe(401);
    expect(await followersOf()).not.toContain(`${forger.origin}/users/alice`);
  });

  it("refuses an LD signature or integrity proof whose key is on another origin", async () => {
    const lds = JSON.stringify({ ...JSON.parse(follow(`${victim.origin}/users/victim`)), signature: { type: "RsaSignature2017", creator: `${forger.origin}/keys/claims-victim`, signatureValue: "AAAA" } });
    expect(await post(inbox, lds, await signCavage({ url: inbox, body: lds, keyId: `${victim.origin}/users/victim#main-key`, privateKey: forger.privateKey }))).toBe(401);
    const proof = JSON.stringify({ ...JSON.parse(follow(mallory())), proof: { type: "DataIntegrityProof", verificationMethod: `${victim.origin}/users/victim#ed25519-key`, proofValue: "z1" } });
    expect(await post(inbox, proof, await signCavage({ url: inbox, body: proof, keyId: malloryKey(), privateKey: forger.privateKey }))).toBe(401);
  });

  it("accepts the forger's own Follow signed with its own key (control: the signatures are real)", async () => {
    const body = follow(mallory());
    expect(await post(inbox, body, await signCavage({ url: inbox, body, keyId: malloryKey(), privateKey: forger.privateKey }))).toBe(202);
    await until("mallory to be a follower", async () => (await followersOf()).includes(mallory()));
    await node.store.followers.remove(hubHandle, mallory());
  });
});

describe("signatures must cover what they protect", () => {
  it("accepts RFC 9421 covering @method, @target-uri and content-digest (control)", async () => {
    const body = follow(mallory());
    expect(await post(inbox, body, await signRfc9421({ url: inbox, body, keyId: malloryKey(), privateKey: forger.privateKey }))).toBe(202);
  });

  it.each([
    ["no @method", ["@target-uri", "@authority", "content-digest"]],
    ["no target", ["@method", "content-digest"]],
    ["no content-digest", ["@method", "@target-uri", "@authority"]],
  ])("refuses a valid RFC 9421 signature with %s", async (_what, covered) => {
    const body = follow(mallory());
    expect(await post(inbox, body, await signRfc9421({ url: inbox, body, keyId: malloryKey(), privateKey: forger.privateKey, covered }))).toBe(401);
  });

  it.each([
    ["no host", ["(request-target)", "date", "digest"]],
    ["no digest", ["(request-target)", "host", "date"]],
    ["no (request-target)", ["host", "date", "digest"]],
  ])("refuses a valid draft-cavage signature with %s", async (_what, covered) => {
    const body = follow(mallory());
    expect(await post(inbox, body, await signCavage({ url: inbox, body, keyId: malloryKey(), privateKey: forger.privateKey, covered }))).toBe(401);
  });

  it("refuses a body that does not match its digest", async () => {
    const body = follow(mallory());
    const headers = await signCavage({ url: inbox, body, keyId: malloryKey(), privateKey: forger.privateKey });
    expect(await post(inbox, body.replace("Follow", "Follow "), headers)).toBe(401);
  });
});

describe("malformed input is a 4xx, never a 500", () => {
  const cases: [string, (h: Headers, body: string) => string | undefined][] = [
    ["a body that is not JSON", () => "not json"],
    ["a JSON body without an actor", () => JSON.stringify({ type: "Follow" })],
    ["an unparsable Date", (h) => { h.set("date", "yesterday at noon"); return undefined; }],
    ["a Date far in the past", (h) => { h.set("date", "Mon, 01 Jan 2001 00:00:00 GMT"); return undefined; }],
    ["a duplicated keyId parameter", (h) => { h.set("signature", `keyId="${malloryKey()}",${h.get("signature")}`); return undefined; }],
    ["a signature that is not base64", (h) => { h.set("signature", h.get("signature")!.replace(/signature="[^"]*"/, 'signature="%%%not base64%%%"')); return undefined; }],
    ["a Digest that is not base64", (h) => { h.set("digest", "SHA-256=***"); return undefined; }],
    ["a Digest with an unknown algorithm only", (h) => { h.set("digest", "MD5=AAAA"); return undefined; }],
    ["an unterminated quoted string", (h) => { h.set("signature", 'keyId="https://x'); return undefined; }],
    ["a garbled Signature-Input", (h) => { h.set("signature-input", "sig1=(((;;"); h.set("signature", "sig1=:AAAA:"); return undefined; }],
    ["a duplicated Signature-Input label", (h) => { h.set("signature-input", `sig1=("@method");keyid="${malloryKey()}";created=1, sig1=("@method");keyid="${malloryKey()}";created=2`); return undefined; }],
    ["no signature at all", (h) => { h.delete("signature"); return undefined; }],
  ];
  it.each(cases)("answers 400/401 to %s", async (_what, spoil) => {
    const body = follow(mallory());
    const headers = await signCavage({ url: inbox, body, keyId: malloryKey(), privateKey: forger.privateKey });
    const sent = spoil(headers, body) ?? body;
    const status = await post(inbox, sent, headers);
    expect([400, 401]).toContain(status);
  });

  it("answers with a problem document that says what is wrong, marked not to be sniffed, with the request's id", async () => {
    const res = await fetch(inbox, { method: "POST", headers: { "content-type": "application/activity+json" }, body: "<script>alert(1)</script>" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toMatchObject({ status: 400, detail: "the body is not JSON" });
  });
});

describe("JSON-LD contexts", () => {
  it.each([
    ["a number", 42],
    ["an object with an invalid term definition", { Follow: { "@id": 7 } }],
    ["a list with a non-URL string", ["https://www.w3.org/ns/activitystreams", "not a url"]],
  ])("answers a properly signed activity whose @context is %s without a 500", async (_what, context) => {
    const body = JSON.stringify({ "@context": context, id: `${mallory()}#follows/${crypto.randomUUID()}`, type: "Follow", actor: mallory(), object: hubUri });
    const status = await post(inbox, body, await signCavage({ url: inbox, body, keyId: malloryKey(), privateKey: forger.privateKey }));
    expect(status).toBeLessThan(500);
  });

  it("never fetches an unknown context named by an activity: it cannot redefine terms, and the Follow is an ordinary one", async () => {
    forger.serve("/contexts/evil", { "@context": { Follow: "https://evil.example/ns#Follow" } });
    const body = JSON.stringify({
      "@context": ["https://www.w3.org/ns/activitystreams", `${forger.origin}/contexts/evil`],
      id: `${mallory()}#follows/${crypto.randomUUID()}`, type: "Follow", actor: mallory(), object: hubUri,
    });
    const status = await post(inbox, body, await signCavage({ url: inbox, body, keyId: malloryKey(), privateKey: forger.privateKey }));
    expect(status).toBe(202);
    expect(forger.requests).not.toContain("/contexts/evil");
    await until("the Follow to be handled as a Follow", async () => (await followersOf()).includes(mallory()));
    await node.store.followers.remove(hubHandle, mallory());
  });
});

describe("concurrent copies of one activity", () => {
  it("are handled once: one follower row and one Accept for five simultaneous copies of a Follow", async () => {
    const bob = `${forger.origin}/users/bob`;
    const body = follow(bob);
    const statuses = await Promise.all(Array.from({ length: 5 }, async () =>
      post(inbox, body, await signCavage({ url: inbox, body, keyId: `${bob}#main-key`, privateKey: forger.privateKey }))));
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    const accepts = () => forger.requests.filter((p) => p === "/users/bob/inbox").length;
    await until("bob to be a follower", async () => (await followersOf()).includes(bob));
    await until("the Accept", () => accepts() >= 1);
    // Every copy has run its course once Fedify recorded the activity as processed.
    const id = (JSON.parse(body) as { id: string }).id;
    await until("the activity to be recorded as processed", async () => {
      for await (const { key } of node.store.kv.list(["_fedify", "activityIdempotence"])) if (key.some((k) => k.includes(id))) return true;
      return false;
    });
    expect((await followersOf()).filter((a) => a === bob)).toHaveLength(1);
    expect(accepts()).toBe(1);
  });
});
