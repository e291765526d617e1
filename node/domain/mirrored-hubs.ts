// Which hub documents a peer's hub list may bring into the mirror (issue 11, "Directories"). The
// origin rule of the challenge mirror holds for hubs too: a peer speaks only for hubs on its own
// origin, at the address every IPN node mints for them ({origin}/hubs/{preferredUsername}), so a
// hostile peer can neither inject another node's hubs nor make one hub appear under two addresses.
// Framework-free: federation/network fetches the list and hands it here.
import { paths, uri } from "./uris";
import type { Hub } from "./types";
import { validateHub } from "./validation";

/** Hubs accepted from one peer per sync; the rest of a longer list is dropped (a node has dozens). */
export const MAX_MIRRORED_HUBS = 1000;

/** Why a hub document offered by a peer is refused; null when it may enter the mirror. */
export function refuseMirroredHub(doc: unknown, peerOrigin: string, opts: { allowHttp: boolean }): string | null {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return "not a JSON object";
  const d = doc as Partial<Hub>;
  if (typeof d.id !== "string" || typeof d.preferredUsername !== "string") return "no id or preferredUsername";
  let idOrigin: string;
  try {
    idOrigin = new URL(d.id).origin;
  } catch {
    return "id is not a URL";
  }
  if (idOrigin !== peerOrigin) return `id ${d.id} is not on the peer's origin ${peerOrigin}`;
  // Only the address the home node mints: the local page /mirror/{host}/hubs/{handle} stands for exactly one id.
  if (d.id !== uri(peerOrigin, paths.hub(d.preferredUsername))) return `id ${d.id} is not ${peerOrigin}${paths.hub(d.preferredUsername)}`;
  const errors = validateHub(d, { allowHttp: opts.allowHttp });
  if (errors.length) return `invalid document: ${errors.slice(0, 3).map((e) => `${e.pointer || "/"} ${e.message}`).join("; ")}`;
  return null;
}

export interface MirroredHubSelection {
  accepted: Hub[];
  refused: { reason: string; doc: unknown }[];
  /** Entries beyond `max`, never looked at. */
  dropped: number;
}

/** The hubs of a peer's list that may be mirrored: the first `max` entries, valid, on its origin, each id once. */
export function selectMirroredHubs(docs: readonly unknown[], peerOrigin: string, opts: { allowHttp: boolean; max?: number }): MirroredHubSelection {
  const max = opts.max ?? MAX_MIRRORED_HUBS;
  const seen = new Set<string>();
  const accepted: Hub[] = [];
  const refused: MirroredHubSelection["refused"] = [];
  for (const doc of docs.slice(0, max)) {
    const reason = refuseMirroredHub(doc, peerOrigin, opts) ?? (seen.has((doc as Hub).id) ? "listed twice" : null);
    if (reason) refused.push({ reason, doc });
    else {
      seen.add((doc as Hub).id);
      accepted.push(doc as Hub);
    }
  }
  return { accepted, refused, dropped: Math.max(0, docs.length - max) };
}
