// Remote follow from a hub's page: the reader's address → WebFinger on the reader's own server → its
// page for following the hub. Real HTTP to servers of our own on loopback: a Mastodon-like one (OStatus
// subscribe template), one that offers the FEP-3b86 Follow intent, and hostile ones (no answer, a
// javascript: template, a huge answer, an error). The node never redirects anywhere but an http(s)
// page the reader's server named, and says what to do instead when it cannot.
import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

let node: TestNode;
const servers: http.Server[] = [];
const asked: string[] = [];

/** A fediverse server answering WebFinger with `answer` (or never, for a tarpit). */
async function server(answer: ((resource: string, host: string) => { status?: number; body: unknown }) | "tarpit"): Promise<string> {
  const s = http.createServer((req, res) => {
    asked.push(req.url ?? "");
    if (answer === "tarpit") return; // accepts, never answers
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/.well-known/webfinger") { res.statusCode = 404; return res.end(); }
    const a = answer(url.searchParams.get("resource") ?? "", req.headers.host ?? "");
    res.statusCode = a.status ?? 200;
    res.setHeader("content-type", "application/jrd+json");
    res.end(typeof a.body === "string" ? a.body : JSON.stringify(a.body));
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  servers.push(s);
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  node = await startTestNode();
  await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("follow_hub"));
}, 60_000);
afterAll(async () => {
  for (const s of servers) s.closeAllConnections?.();
  for (const s of servers) s.close();
  await node.stop();
});

const follow = (account: string, lang = "en") => request(node.listenUrl).get(`/hubs/follow_hub/follow?account=${encodeURIComponent(account)}`).set("Accept-Language", lang);
const actor = () => `${node.origin}/hubs/follow_hub`;

it("offers the form on the hub's page, labelled and working without JavaScript", async () => {
  const page = await request(node.listenUrl).get("/hubs/follow_hub").set("Accept", "text/html").expect(200);
  expect(page.text).toContain('<form method="get" action="/hubs/follow_hub/follow" class="remote-follow">');
  expect(page.text).toContain('<label for="remote-account">Your fediverse address</label>');
  const own = await request(node.listenUrl).get("/hubs/follow_hub/follow").expect(200);
  expect(own.text).toContain("<h1>Follow Hub follow_hub</h1>");
});

it("sends a Mastodon user to their server's follow page for the hub", async () => {
  const host = await server((resource, h) => ({ body: { subject: resource, links: [{ rel: "http://ostatus.org/schema/1.0/subscribe", template: `http://${h}/authorize_interaction?uri={uri}` }] } }));
  const res = await follow(`@ana@${host}`).expect(303);
  expect(res.headers.location).toBe(`http://${host}/authorize_interaction?uri=${encodeURIComponent(actor())}`);
  expect(asked.at(-1)).toBe(`/.well-known/webfinger?resource=${encodeURIComponent(`acct:ana@${host}`)}`);
  expect(res.headers["cache-control"]).toBe("no-store");
});

it("prefers the FEP-3b86 Follow intent where the server offers one, and accepts the address without its first @", async () => {
  const host = await server((resource, h) => ({ body: { subject: resource, links: [
    { rel: "http://ostatus.org/schema/1.0/subscribe", template: `http://${h}/old?uri={uri}` },
    { rel: "https://w3id.org/fep/3b86/Follow", template: `http://${h}/intents/follow?object={object}` },
  ] } }));
  const res = await follow(`bo@${host}`).expect(303);
  expect(res.headers.location).toBe(`http://${host}/intents/follow?object=${encodeURIComponent(actor())}`);
});

it("refuses an address that is not @name@server, in the reader's language, and fetches nothing", async () => {
  const before = asked.length;
  const res = await follow("not an address", "de").expect(400);
  expect(res.text).toContain('<html lang="de">');
  expect(res.text).toContain("Geben Sie Ihre Adresse als @name@server ein");
  expect(res.text).toContain('aria-invalid="true"');
  expect(asked.length).toBe(before);
});

it("says what to do instead when the server never answers, errs, or names no follow page", async () => {
  const tarpit = await server("tarpit");
  const started = Date.now();
  const hung = await follow(`@ana@${tarpit}`).expect(502);
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(hung.text).toContain("did not answer. You can also search for @follow_hub@");
  const broken = await server(() => ({ status: 500, body: "oops" }));
  expect((await follow(`@ana@${broken}`)).status).toBe(502);
  const none = await server((resource) => ({ body: { subject: resource, links: [{ rel: "self", type: "application/activity+json", href: "http://x/users/ana" }] } }));
  const noPage = await follow(`@ana@${none}`).expect(502);
  expect(noPage.text).toContain("does not offer a page for following from elsewhere");
  expect(noPage.text).toContain(`@follow_hub@${new URL(node.origin).host}`);
}, 30_000);

it("never redirects to a javascript: or data: page a hostile server names, nor reads an endless answer", async () => {
  const evil = await server((resource) => ({ body: { subject: resource, links: [{ rel: "http://ostatus.org/schema/1.0/subscribe", template: "javascript:alert(1)//{uri}" }] } }));
  const res = await follow(`@ana@${evil}`).expect(502);
  expect(res.headers.location).toBeUndefined();
  const huge = await server((resource) => ({ body: { subject: resource, links: [], padding: "x".repeat(512 * 1024) } }));
  expect((await follow(`@ana@${huge}`)).status).toBe(502);
});
