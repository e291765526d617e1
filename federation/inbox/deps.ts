import type { Repositories } from "../../node/storage/ports";
import type { Resolver } from "../safe-fetch";

export interface InboxDeps {
  repos: Repositories;
  /** Test/demo mode: follower inboxes on loopback or private networks are acceptable. */
  allowPrivateNetwork?: boolean;
  /** DNS resolution for the inbox check (tests inject one; default: the system resolver). */
  resolver?: Resolver;
}
