// Fedify's document loaders rebuilt on safeFetch (DESIGN.md §6). Fedify's own loader checks resolved
// addresses but then lets fetch() resolve the name again (a DNS-rebinding window), follows up to 20
// redirects, and has neither a timeout nor a size cap; every actor, key and object Fedify fetches
// for us goes through these instead. Apart from the transport they behave like Fedify's: preloaded
// contexts first (never fetched), AS2/JSON-LD Accept header, Fedify's own response handling
// (getRemoteDocument: status, content type, Link/alternate discovery), a KV cache for fetches signed
// by the instance actor, and none for those signed by a hub (their answers can depend on who asks).
// Every fetch of an actor, key or object is signed (federation/fetch-signer.ts): GoToSocial and
// Mastodon in secure mode answer unsigned ones with 401.
import { kvCache, type KvKey, type KvStore } from "@fedify/fedify";
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
import { type FetchSigner, type Sign, signedKnock, type SigningIdentity } from "./fetch-signer";
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
  /**
   * Who signs the fetches Fedify makes without an identity of its own (lookups, key and actor fetches
   * outside a hub's inbox): the instance actor. Null or absent: unsigned.
   */
  signAs?: () => Promise<SigningIdentity | null>;
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

function makeLoader(options: SafeLoaderOptions, signer?: FetchSigner): DocumentLoader {
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
    // Signed, with the scheme the origin accepted before; the other one only after a 400/401.
    const res = signer
      ? await signedKnock(url, signer, (sign) => fetchOnce(url, loadOptions?.signal, sign))
      : await fetchOnce(url, loadOptions?.signal, undefined);
    // Fedify's handling of the answer; an alternate link it discovers is loaded through `load` again.
    return getRemoteDocument(res.url, toResponse(res), load);
  };
  return load;
}

/** Loader factories for createFederation; they replace Fedify's allowPrivateAddress/userAgent options. */
const preloadedContextsOnly: DocumentLoader = async (url) => {
  if (url in preloadedContexts) return { contextUrl: null, document: preloadedContexts[url], documentUrl: url };
  log.debug("the JSON-LD context {url} is not preloaded: used as an empty context, never fetched", { url });
  return { contextUrl: null, document: { "@context": {} }, documentUrl: url };
};

export function createSafeLoaderFactories(options: SafeLoaderOptions): SafeLoaderFactories {
  // Fedify passes allowPrivateAddress/userAgent per call; ours come from the node's config instead,
  // so nothing at run time can switch the guard off.
  // Signed as the instance actor: the answer does not depend on which hub asks, so it may be cached.
  const signAs = options.signAs;
  const instanceSigner: FetchSigner | undefined = signAs ? { kv: options.kv, identity: signAs } : undefined;
  const documentLoaderFactory: DocumentLoaderFactory = () =>
    kvCache({ loader: makeLoader(options, instanceSigner), kv: options.kv, prefix: REMOTE_DOCUMENT_PREFIX, kind: "object" });
  // JSON-LD contexts come only from the preloaded set (ActivityStreams, security, Mastodon's,
  // GoToSocial's and the other well-known ones Fedify ships): a context URL chosen by a remote server
  // is never fetched — it would let any activity make the node request arbitrary URLs, and a context
  // served by a hostile server could redefine terms. An unknown context counts as empty (what it
  // would add is simply not understood), so software with a context of its own (Pleroma's litepub)
  // still federates: the ActivityStreams terms come from the preloaded ActivityStreams context.
  const contextLoaderFactory: DocumentLoaderFactory = () => preloadedContextsOnly;
  const authenticatedDocumentLoaderFactory: AuthenticatedDocumentLoaderFactory = (identity) =>
    makeLoader(options, { kv: options.kv, identity: async () => identity });
  return { documentLoaderFactory, contextLoaderFactory, authenticatedDocumentLoaderFactory };
}
