// Remote follow: a reader types their fediverse address (@ana@social.example) on a hub's page, and is
// sent to their own server's page for following the hub — found through WebFinger on their server:
// the FEP-3b86 Follow intent where offered, else the OStatus subscribe template Mastodon, GoToSocial
// (as "authorize_interaction"), Misskey and Pleroma publish. The reader's server is any server: it is
// fetched with safeFetch (public addresses only, small, fast), and only an http(s) page it names is
// ever redirected to.
import { safeFetch, type SafeFetchOptions } from "./safe-fetch";

const FEP_3B86_FOLLOW = "https://w3id.org/fep/3b86/Follow";
const OSTATUS_SUBSCRIBE = "http://ostatus.org/schema/1.0/subscribe";
const ACCOUNT_RE = /^@?([A-Za-z0-9_.~+-]{1,64})@([A-Za-z0-9.-]{1,253}(?::\d{1,5})?)$/;

export type RemoteFollowResult =
  | { ok: true; url: string }
  | { ok: false; reason: "invalid-account" | "unreachable" | "no-follow-page" };

export interface RemoteFollowOptions extends Pick<SafeFetchOptions, "allowPrivateNetwork" | "allowHttp" | "resolver" | "isAllowedAddress" | "userAgent"> {
  timeoutMs?: number;
}

/** "@ana@social.example" (with or without the first @) → its parts; null for anything else. */
export function parseAccount(input: string): { user: string; host: string } | null {
  const m = ACCOUNT_RE.exec(input.trim());
  return m ? { user: m[1]!, host: m[2]!.toLowerCase() } : null;
}

/** The page on the reader's server where they confirm following `target` (an actor id). */
export async function remoteFollowUrl(account: string, target: string, opts: RemoteFollowOptions = {}): Promise<RemoteFollowResult> {
  const parsed = parseAccount(account);
  if (!parsed) return { ok: false, reason: "invalid-account" };
  const scheme = opts.allowHttp ? "http" : "https";
  const resource = `acct:${parsed.user}@${parsed.host}`;
  let links: { rel?: unknown; template?: unknown }[];
  try {
    const res = await safeFetch(`${scheme}://${parsed.host}/.well-known/webfinger?resource=${encodeURIComponent(resource)}`, {
      headers: { accept: "application/jrd+json, application/json" },
      timeoutMs: opts.timeoutMs ?? 5000, maxBytes: 64 * 1024, maxRedirects: 3,
      allowPrivateNetwork: opts.allowPrivateNetwork, allowHttp: opts.allowHttp, resolver: opts.resolver, isAllowedAddress: opts.isAllowedAddress, userAgent: opts.userAgent,
    });
    if (!res.ok) return { ok: false, reason: "unreachable" };
    const jrd = res.json() as { links?: unknown };
    links = Array.isArray(jrd?.links) ? jrd.links : [];
  } catch {
    return { ok: false, reason: "unreachable" };
  }
  const template = (rel: string, slot: string) => {
    const t = links.find((l) => l && l.rel === rel && typeof l.template === "string" && l.template.includes(slot))?.template as string | undefined;
    return t ? t.replace(slot, encodeURIComponent(target)) : undefined;
  };
  const url = template(FEP_3B86_FOLLOW, "{object}") ?? template(OSTATUS_SUBSCRIBE, "{uri}");
  if (!url) return { ok: false, reason: "no-follow-page" };
  // Only a web page: never javascript:, data: or anything else a hostile server may put in a template.
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && !(opts.allowHttp && u.protocol === "http:")) return { ok: false, reason: "no-follow-page" };
    return { ok: true, url: u.href };
  } catch {
    return { ok: false, reason: "no-follow-page" };
  }
}
