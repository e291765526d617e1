// Signed GETs (issue 8, principle 1): GoToSocial and Mastodon in secure mode answer unsigned fetches of
// actors, keys and objects with 401, so every fetch this node makes carries an HTTP signature. Servers
// accept different schemes (draft-cavage, RFC 9421): the first attempt uses the scheme the origin
// accepted last time, the other one follows only on 400/401 ("double knock"), and the winner is
// remembered per origin in the KV — under Fedify's own key for deliveries, so what a server taught us
// on a POST also serves our GETs and vice versa.
import { signRequest, type HttpMessageSignaturesSpec, type KvKey, type KvStore } from "@fedify/fedify";

/** Fedify's prefix for the scheme each origin accepted (FederationKvPrefixes.httpMessageSignaturesSpec). */
export const SIGNATURE_SPEC_PREFIX: KvKey = ["_fedify", "httpMessageSignaturesSpec"];
const SPECS: readonly HttpMessageSignaturesSpec[] = ["draft-cavage-http-signatures-12", "rfc9421"];
/** Our deliveries' firstKnock too: most of the fediverse speaks draft-cavage. */
export const DEFAULT_SPEC: HttpMessageSignaturesSpec = "draft-cavage-http-signatures-12";

export interface SigningIdentity {
  keyId: URL;
  /** An RSASSA-PKCS1-v1_5 key: the one scheme every server verifies. */
  privateKey: CryptoKey;
}

export type Sign = (request: Request) => Promise<Request>;

export interface FetchSigner {
  /** Who signs; null: fetch unsigned (no key available). */
  identity(): Promise<SigningIdentity | null>;
  kv: KvStore;
}

const isSpec = (v: unknown): v is HttpMessageSignaturesSpec => SPECS.includes(v as HttpMessageSignaturesSpec);

/** The schemes to try for an origin, the remembered one first. */
export async function specsFor(kv: KvStore, origin: string): Promise<{ known: HttpMessageSignaturesSpec | null; order: HttpMessageSignaturesSpec[] }> {
  const stored = await kv.get([...SIGNATURE_SPEC_PREFIX, origin]);
  const known = isSpec(stored) ? stored : null;
  const first = known ?? DEFAULT_SPEC;
  return { known, order: [first, ...SPECS.filter((s) => s !== first)] };
}

/**
 * A fragment is never sent (key ids are often actor#main-key), but RFC 9421's @target-uri would cover
 * it, and the receiver could never verify the signature.
 */
function withoutFragment(request: Request): Request {
  const url = new URL(request.url);
  if (url.hash === "") return request;
  url.hash = "";
  return new Request(url, request);
}

/**
 * Sends a GET through `send` signed by the signer's identity, knocking with the other scheme on
 * 400/401 and remembering the scheme that was accepted. Unsigned when there is no identity.
 */
export async function signedKnock<R extends { status: number }>(url: string, signer: FetchSigner, send: (sign: Sign | undefined) => Promise<R>): Promise<R> {
  const identity = await signer.identity();
  if (!identity) return send(undefined);
  const origin = new URL(url).origin;
  const { known, order } = await specsFor(signer.kv, origin);
  let res: R | undefined;
  for (const spec of order) {
    res = await send((request) => signRequest(withoutFragment(request), identity.privateKey, identity.keyId, { spec }));
    if (res.status === 400 || res.status === 401) continue;
    // An answer that is not a refusal of the signature (nor an overload or outage) teaches which
    // scheme the origin accepts; write only what changed.
    if (spec !== known && res.status < 500 && res.status !== 429) await signer.kv.set([...SIGNATURE_SPEC_PREFIX, origin], spec);
    return res;
  }
  return res!;
}
