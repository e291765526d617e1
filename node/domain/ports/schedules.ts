// Port of the publication schedule: drafts an editor asked to be published at a later time. Kept
// apart from the challenge document, which says nothing about a draft's plans until it is public.

export interface ScheduledPublication {
  /** The draft's key. */
  key: string;
  /** When to publish, as an ISO instant in UTC ("2027-01-29T11:00:00.000Z": comparable as text). */
  publishAt: string;
  /** Who scheduled it (the audit log's actor), on whose behalf it is published. */
  by: string;
}

export interface ScheduleRepository {
  /** Schedules the draft, replacing an earlier time. */
  set(s: ScheduledPublication): Promise<void>;
  clear(key: string): Promise<void>;
  get(key: string): Promise<ScheduledPublication | null>;
  /** Those due at `now`, earliest first. */
  due(now: Date, limit: number): Promise<ScheduledPublication[]>;
}
