// Port of the followers of each hub (fediverse accounts and peer instance actors).

export interface Follower {
  /** Follower actor IRI. */
  actorId: string;
  inbox: string;
  sharedInbox: string | null;
  /** The Follow activity's id (Undo(Follow) refers to it). */
  followId: string | null;
}

export interface FollowerRepository {
  /** Upsert by (hub handle, actorId). */
  add(hub: string, follower: Follower): Promise<void>;
  /** Returns whether a follower was removed. */
  remove(hub: string, actorId: string): Promise<boolean>;
  /** Remove every follower whose inbox or shared inbox is this URL (permanent delivery failure). */
  removeByInbox(inbox: string): Promise<number>;
  all(hub: string): Promise<Follower[]>;
  /** Oldest first; cursor is opaque. */
  page(hub: string, cursor: string | null, limit: number): Promise<{ items: Follower[]; next: string | null }>;
  count(hub: string): Promise<number>;
}
