// Every IRI the node mints, in one place. federation/ registers its dispatchers on exactly these
// paths, so an id minted here is always dereferenceable.

export const paths = {
  hub: (handle: string) => `/hubs/${handle}`,
  challenge: (key: string) => `/challenges/${key}`,
  /** The canonical challenge document (JSON), linked from the AS2 object. */
  canonicalChallenge: (key: string) => `/api/v1/challenges/${key}`,
  createActivity: (key: string) => `/challenges/${key}/activities/create`,
  updateActivity: (key: string, revision: number) => `/challenges/${key}/activities/update-${revision}`,
  deleteActivity: (key: string) => `/challenges/${key}/activities/delete`,
  tag: (name: string) => `/tags/${encodeURIComponent(name.toLowerCase())}`,
  /** The node's instance actor (Application, FEP-2677): peers follow it to mirror every hub. */
  instanceActor: "/actor",
} as const;

export function uri(origin: string, path: string): string {
  return new URL(path, origin).href;
}

/** The last path segment of an IRI (the challenge key of a local challenge id). */
export function lastSegment(iri: string): string {
  const path = new URL(iri).pathname.replace(/\/+$/, "");
  return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
}
