// Fedify's document loaders rebuilt on safeFetch (DESIGN.md §6). Fedify's own loader checks resolved
// addresses but then lets fetch() resolve the name again (a DNS-rebinding window), follows up to 20
// redirects, and has neither a timeout nor a size cap; every actor, key and object Fedify fetches
// for us goes through these instead. Apart from the transport they behave like Fedify's: preloaded
// contexts first (never fetched), AS2/JSON-LD Accept header, Fedify's own response handling
// (getRemoteDocument: status, content type, Link/alternate discovery), a KV cache for unsigned
// fetches, and none for signed ones (their answers can depend on who asks).
import { kvCache, signRequest, type KvKey, type KvStore } from "@fedify/fedify";
import {
  FetchError,
  getRemoteDocument,
  preloadedContexts,
  UrlError,
  type AuthenticatedDocumentLoaderFactory,
  type DocumentLoader,
  type DocumentLoaderFactory,
  type DocumentLoaderOptions,
  type RemoteDocument,
} from "@fedify/vocab-runtime";
import { federationLogger } from "./log";
import { safeFetch, SafeFetchError, type SafeFetchOptions, type SafeResponse } from "./safe-fetch";

const log = federationLogger("loader");

const ACCEPT = "application/activity+json, application/ld+json";
/** Fedify's own prefix, so cached documents stay shared with anything Fedify caches itself. */
const REMOTE_DOCUMENT_PREFIX: KvKey = ["_fedify", "remoteDocument"];

export interface SafeLoaderOptions {
  /** Fedify's KV store: unsigned fetches are cached there (5 minutes, Fedify's default). */
  kv: KvStore;
  /** Test/demo mode only: loopback and private addresses are reachable. */
  allowPrivateNetwork: boolean;
  userAgent: string;
  /** Overrides for the transport (limits, resolver); tests only. */
  fetch?: Omit<SafeFetchOptions, "allowPrivateNetwork" | "userAgent" | "headers" | "sign" | "signal" | "method">;
}

export interface SafeLoaderFactories {
  documentLoaderFactory: DocumentLoaderFactory;
  contextLoaderFactory: DocumentLoaderFactory;
  authenticatedDocumentLoaderFactory: AuthenticatedDocumentLoaderFactory;
}

/** What Fedify expects a failed load to throw: UrlError for refused URLs, FetchError otherwise. */
function toFedifyError(url: string, error: SafeFetchError): Error {
  const converted = error.code === "blocked-address" || error.code === "unsupported-scheme"
    ? new UrlError(error.message, { cause: error })
    : new FetchError(error.url, error.message);
  converted.cause ??= error;
  log.warn("refused to load {url}: {reason}", { url, reason: error.message, code: error.code });
  return converted;
}

/** A Fetch API Response over a buffered SafeResponse (what getRemoteDocument reads). */
function toResponse(res: SafeResponse): Response {
  const nullBody = res.status === 204 || res.status === 205 || res.status === 304 || res.status < 200;
  return new Response(nullBody ? null : new Uint8Array(res.body), { status: res.status < 200 ? 502 : res.status, headers: res.headers });
}

type Sign = (request: Request) => Promise<Request>;

function makeLoader(options: SafeLoaderOptions, signers: Sign[] = []): DocumentLoader {
  const base: SafeFetchOptions = {
    ...options.fetch,
    allowPrivateNetwork: options.allowPrivateNetwork,
    userAgent: options.userAgent,
    headers: { accept: ACCEPT },
  };
  const fetchOnce = async (url: string, signal: AbortSignal | undefined, sign: Sign | undefined): Promise<SafeResponse> => {
    try {
      return await safeFetch(url, { ...base, signal, sign });
    } catch (error) {
      throw error instanceof SafeFetchError ? toFedifyError(url, error) : error;
    }
  };
  const load = async (url: string, loadOptions?: DocumentLoaderOptions): Promise<RemoteDocument> => {
    loadOptions?.signal?.throwIfAborted();
    if (url in preloadedContexts) return { contextUrl: null, document: preloadedContexts[url], documentUrl: url };
    let res = await fetchOnce(url, loadOptions?.signal, signers[0]);
    // Double knock: a server that refuses one signature scheme (400/401) gets the other one.
    for (const sign of signers.slice(1)) {
      if (res.status !== 400 && res.status !== 401) break;
      res = await fetchOnce(url, loadOptions?.signal, sign);
    }
    // Fedify's handling of the answer; an alternate link it discovers is loaded through `load` again.
    return getRemoteDocument(res.url, toResponse(res), load);
  };
  return load;
}

/** Loader factories for createFederation; they replace Fedify's allowPrivateAddress/userAgent options. */
export function createSafeLoaderFactories(options: SafeLoaderOptions): SafeLoaderFactories {
  // Fedify passes allowPrivateAddress/userAgent per call; ours come from the node's config instead,
  // so nothing at run time can switch the guard off.
  const documentLoaderFactory: DocumentLoaderFactory = () =>
    kvCache({ loader: makeLoader(options), kv: options.kv, prefix: REMOTE_DOCUMENT_PREFIX, kind: "object" });
  const contextLoaderFactory: DocumentLoaderFactory = () =>
    kvCache({ loader: makeLoader(options), kv: options.kv, prefix: REMOTE_DOCUMENT_PREFIX, kind: "context" });
  const authenticatedDocumentLoaderFactory: AuthenticatedDocumentLoaderFactory = (identity) => {
    // draft-cavage first (most of the fediverse, and our firstKnock for deliveries), then RFC 9421.
    const signers: Sign[] = (["draft-cavage-http-signatures-12", "rfc9421"] as const).map(
      (spec) => (request: Request) => signRequest(request, identity.privateKey, identity.keyId, { spec }),
    );
    return makeLoader(options, signers);
  };
  return { documentLoaderFactory, contextLoaderFactory, authenticatedDocumentLoaderFactory };
}
