import type { Repositories } from "../../node/storage/ports";

export interface InboxDeps {
  repos: Repositories;
}
