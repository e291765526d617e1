// Who is making a request, as far as the domain cares: the node operator or one hub's editors.
export type Principal = { kind: "admin" } | { kind: "hub"; handle: string };

export function mayWriteHub(p: Principal, handle: string): boolean {
  return p.kind === "admin" || p.handle === handle;
}
