// Repository ports: what the domain needs from storage, in database-neutral terms, one file per
// aggregate. The domain owns them; node/storage/sqlite (embedded default) and node/storage/mongo
// (production) implement them, and every adapter must pass test/contract/*. No driver, Express or
// Fedify type appears here.

import type { InvitationRepository, UserRepository } from "./accounts";
import type { ActivityRepository } from "./activities";
import type { AuditRepository } from "./audit";
import type { ChallengeRepository } from "./challenges";
import type { FeedEffectRepository } from "./feed-effects";
import type { FollowerRepository } from "./followers";
import type { HubRepository } from "./hubs";
import type { KeyRepository } from "./keys";
import type { MirrorRepository } from "./mirror";
import type { MirroredHubRepository } from "./mirrored-hubs";
import type { PeerRepository } from "./peers";
import type { ScheduleRepository } from "./schedules";
import type { SessionRepository } from "./sessions";

export type * from "./accounts";
export type * from "./activities";
export type * from "./audit";
export type * from "./challenges";
export type * from "./feed-effects";
export type * from "./followers";
export type * from "./hubs";
export type * from "./keys";
export type * from "./mirror";
export type * from "./mirrored-hubs";
export type * from "./peers";
export type * from "./schedules";
export type * from "./sessions";
export { DuplicateError, InvalidCursorError } from "./errors";
export { initialSyncState } from "./peers";

/** Storage of the node's domain data. */
export interface Repositories {
  challenges: ChallengeRepository;
  activities: ActivityRepository;
  hubs: HubRepository;
  followers: FollowerRepository;
  keys: KeyRepository;
  /** Allowlisted peer nodes and their sync state. */
  peers: PeerRepository;
  /** Challenges mirrored from peers. */
  mirror: MirrorRepository;
  /** Hub profiles mirrored from peers (the directory lists them beside our own). */
  mirroredHubs: MirroredHubRepository;
  /** The aggregator's feed effects outbox (issue 8). */
  feedEffects: FeedEffectRepository;
  /** Workspace accounts (issue 10). */
  users: UserRepository;
  invitations: InvitationRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  /** Drafts to publish at a later time. */
  schedules: ScheduleRepository;
}
