// ScheduleRepository on MongoDB: one document per scheduled draft (_id = its key), by time through an index.
import type { Collection } from "mongodb";
import type { ScheduledPublication, ScheduleRepository } from "../../domain/ports";

export interface ScheduleDoc { _id: string; publishAt: string; by: string }
const fromDoc = (d: ScheduleDoc): ScheduledPublication => ({ key: d._id, publishAt: d.publishAt, by: d.by });

export class MongoScheduleRepository implements ScheduleRepository {
  constructor(private readonly c: Collection<ScheduleDoc>) {}

  async set(s: ScheduledPublication): Promise<void> {
    await this.c.updateOne({ _id: s.key }, { $set: { publishAt: s.publishAt, by: s.by } }, { upsert: true });
  }

  async clear(key: string): Promise<void> {
    await this.c.deleteOne({ _id: key });
  }

  async get(key: string): Promise<ScheduledPublication | null> {
    const d = await this.c.findOne({ _id: key });
    return d ? fromDoc(d) : null;
  }

  async due(now: Date, limit: number): Promise<ScheduledPublication[]> {
    return (await this.c.find({ publishAt: { $lte: now.toISOString() } }).sort({ publishAt: 1, _id: 1 }).limit(limit).toArray()).map(fromDoc);
  }
}
