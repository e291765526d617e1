// What GoToSocial (always) and Mastodon in secure mode do with fetches of their actors, keys and
// objects: an unsigned GET — or one whose signature does not verify against the signer's published
// key — gets 401. The test servers put this in front of their Fedify instance, so a node that forgets
// to sign a fetch fails the tests as it would fail against those servers.
import { type HttpMessageSignaturesSpec, verifyRequest } from "@fedify/fedify";
import type { DocumentLoader } from "@fedify/vocab-runtime";

/** Paths every server serves unsigned: discovery, and where keys of the server itself would live. */
const OPEN = /^\/(\.well-known\/|nodeinfo\/)/;

export interface FetchLog {
  method: string;
  path: string;
  userAgent: string | null;
  /** Which HTTP signature scheme signed it, if any. */
  scheme: HttpMessageSignaturesSpec | null;
}

export function schemeOf(headers: Headers): HttpMessageSignaturesSpec | null {
  if (headers.has("signature-input")) return "rfc9421";
  if (headers.has("signature")) return "draft-cavage-http-signatures-12";
  return null;
}

/**
 * Null when the request may pass (not a GET of a protected path, or a GET with a valid signature);
 * otherwise the 401 to answer. `loaders` fetch the signer's key (signed itself, as GoToSocial does).
 */
export async function refuseUnsigned(
  request: Request,
  loaders: () => Promise<{ documentLoader: DocumentLoader; contextLoader: DocumentLoader }>,
  /** The schemes this server verifies (default both); another one is refused like no signature. */
  accepted?: readonly HttpMessageSignaturesSpec[],
): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  if (OPEN.test(new URL(request.url).pathname)) return null;
  const scheme = schemeOf(request.headers);
  if (accepted && scheme && !accepted.includes(scheme)) return new Response("unsupported signature scheme", { status: 401 });
  let key = null;
  try {
    key = await verifyRequest(request, await loaders());
  } catch {
    key = null;
  }
  return key ? null : new Response("signature required", { status: 401, headers: { "content-type": "text/plain" } });
}
