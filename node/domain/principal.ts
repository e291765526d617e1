// Who is making a request, as far as the domain cares: the node operator or one hub's editors —
// through a bearer token (API) or a person signed in to the workspace (`actor` names them in the
// audit log; tokens are named by what they are).
export type Principal = { kind: "admin"; actor?: string } | { kind: "hub"; handle: string; actor?: string };

export function mayWriteHub(p: Principal, handle: string): boolean {
  return p.kind === "admin" || p.handle === handle;
}

/** The audit log's "who" for a principal: the person if known, else the token used. */
export function actorOf(p: Principal): string {
  return p.actor ?? (p.kind === "admin" ? "admin-token" : `hub-token:${p.handle}`);
}
