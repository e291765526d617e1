// The Fedify document loaders built on safeFetch, against a loopback server: what Fedify gets back,
// what it is refused, what is cached, and how signed fetches are signed.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { MemoryKvStore, verifyRequest } from "@fedify/fedify";
import { CryptographicKey } from "@fedify/vocab";
import { FetchError, UrlError } from "@fedify/vocab-runtime";
import { createSafeLoaderFactories, type SafeLoaderOptions } from "../../federation/document-loader";

let server: http.Server;
let origin: string;
const hits: { path: string; headers: http.IncomingHttpHeaders }[] = [];
/** How /signed answers a request, by the signature scheme it carries. */
let signedPolicy: (headers: http.IncomingHttpHeaders) => number = () => 200;

const note = (id: string) => JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id, type: "Note", content: "hi" });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    hits.push({ path, headers: req.headers });
    switch (path) {
      case "/note":
        return void res.writeHead(200, { "content-type": "application/activity+json" }).end(note(`${origin}/note`));
      case "/moved":
        return void res.writeHead(301, { location: "/note" }).end();
      case "/page": // an HTML page naming its AS2 alternate, as Mastodon's do
        return void res.writeHead(200, { "content-type": "text/html" }).end(`<html><head><link rel="alternate" type="application/activity+json" href="${origin}/note"></head></html>`);
      case "/huge":
        return void res.writeHead(200, { "content-type": "application/activity+json" }).end(Buffer.alloc(64 * 1024, 0x20));
      case "/missing":
        return void res.writeHead(404).end();
      case "/signed": {
        const status = signedPolicy(req.headers);
        return void res.writeHead(status, { "content-type": "application/activity+json" }).end(status === 200 ? note(`${origin}/signed`) : "");
      }
      default:
        return void res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(() => { hits.length = 0; signedPolicy = () => 200; });

const factories = (overrides: Partial<SafeLoaderOptions> = {}) =>
  createSafeLoaderFactories({ kv: new MemoryKvStore(), allowPrivateNetwork: true, userAgent: "ipn/0.1.0 (+https://de.example)", ...overrides });

describe("the document loader", () => {
  it("loads an ActivityPub document, asking for AS2 with our User-Agent", async () => {
    const doc = await factories().documentLoaderFactory()(`${origin}/note`);
    expect(doc.documentUrl).toBe(`${origin}/note`);
    expect(doc.document).toMatchObject({ type: "Note", id: `${origin}/note` });
    expect(hits[0]!.headers.accept).toMatch(/application\/activity\+json/);
    expect(hits[0]!.headers["user-agent"]).toBe("ipn/0.1.0 (+https://de.example)");
  });

  it("follows redirects and reports the final URL", async () => {
    const doc = await factories().documentLoaderFactory()(`${origin}/moved`);
    expect(doc.documentUrl).toBe(`${origin}/note`);
  });

  it("follows an HTML page's AS2 alternate link (through the same guard)", async () => {
    const doc = await factories().documentLoaderFactory()(`${origin}/page`);
    expect(doc.document).toMatchObject({ type: "Note" });
    expect(hits.map((h) => h.path)).toEqual(["/page", "/note"]);
  });

  it("caches unsigned fetches in the KV store", async () => {
    const load = factories().documentLoaderFactory();
    await load(`${origin}/note`);
    await load(`${origin}/note`);
    expect(hits).toHaveLength(1);
  });

  it("serves preloaded JSON-LD contexts without any fetch, whatever the network mode", async () => {
    const { contextLoaderFactory } = factories({ allowPrivateNetwork: false, fetch: { resolver: async () => { throw new Error("no DNS expected"); } } });
    const ctx = await contextLoaderFactory()("https://www.w3.org/ns/activitystreams");
    expect(ctx.document).toHaveProperty("@context");
  });

  it("never fetches a JSON-LD context that is not preloaded, even in test mode where the server is reachable: it counts as empty", async () => {
    const { contextLoaderFactory } = factories({ allowPrivateNetwork: true });
    expect((await contextLoaderFactory()(`${origin}/context`)).document).toEqual({ "@context": {} });
    expect(hits).toHaveLength(0);
  });

  it("refuses loopback outside test mode with Fedify's UrlError, without connecting", async () => {
    const { documentLoaderFactory, contextLoaderFactory } = factories({ allowPrivateNetwork: false });
    await expect(documentLoaderFactory()(`${origin}/note`)).rejects.toBeInstanceOf(UrlError);
    expect((await contextLoaderFactory()(`${origin}/context`)).document).toEqual({ "@context": {} });
    await expect(documentLoaderFactory({ allowPrivateAddress: true })(`${origin}/note`)).rejects.toBeInstanceOf(UrlError);
    expect(hits).toHaveLength(0);
  });

  it("refuses a document over the size cap, and HTTP errors, with Fedify's FetchError", async () => {
    const load = factories({ fetch: { maxBytes: 16 * 1024 } }).documentLoaderFactory();
    await expect(load(`${origin}/huge`)).rejects.toBeInstanceOf(FetchError);
    await expect(load(`${origin}/missing`)).rejects.toBeInstanceOf(FetchError);
  });
});

describe("the authenticated document loader", () => {
  let identity: { keyId: URL; privateKey: CryptoKey };
  let publicKey: CryptoKey;

  beforeAll(async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    identity = { keyId: new URL("https://de.example/hubs/a#main-key"), privateKey: pair.privateKey };
    publicKey = pair.publicKey;
  });

  /** Verifies a recorded request's signature against our public key, as the remote server would. */
  async function verified(hit: { path: string; headers: http.IncomingHttpHeaders }): Promise<boolean> {
    const headers = new Headers();
    for (const [k, v] of Object.entries(hit.headers)) if (typeof v === "string") headers.set(k, v);
    const key = await verifyRequest(new Request(`${origin}${hit.path}`, { headers }), {
      documentLoader: async () => { throw new Error("unused"); },
      contextLoader: async () => { throw new Error("unused"); },
      keyCache: { get: async () => new CryptographicKey({ id: identity.keyId, owner: new URL("https://de.example/hubs/a"), publicKey }), set: async () => {} },
    });
    return key !== null;
  }

  it("signs the GET (draft-cavage first) with a signature the server can verify", async () => {
    const doc = await factories().authenticatedDocumentLoaderFactory(identity)(`${origin}/signed`);
    expect(doc.document).toMatchObject({ type: "Note" });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.headers.signature).toContain(`keyId="${identity.keyId.href}"`);
    expect(await verified(hits[0]!)).toBe(true);
  });

  it("knocks again with RFC 9421 when the server refuses draft-cavage", async () => {
    signedPolicy = (headers) => (headers["signature-input"] ? 200 : 401);
    const doc = await factories().authenticatedDocumentLoaderFactory(identity)(`${origin}/signed`);
    expect(doc.document).toMatchObject({ type: "Note" });
    expect(hits).toHaveLength(2);
    expect(await verified(hits[1]!)).toBe(true);
  });

  it("does not cache signed fetches, and is guarded like the unsigned loader", async () => {
    const load = factories().authenticatedDocumentLoaderFactory(identity);
    await load(`${origin}/signed`);
    await load(`${origin}/signed`);
    expect(hits).toHaveLength(2);
    const guarded = factories({ allowPrivateNetwork: false }).authenticatedDocumentLoaderFactory(identity);
    await expect(guarded(`${origin}/signed`)).rejects.toBeInstanceOf(UrlError);
    expect(hits).toHaveLength(2);
  });
});
