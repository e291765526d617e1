// Users, one-time links, sessions and the audit log on MongoDB: one document per object, _id the key
// the port looks it up by. FerretDB 1.x runs a conditional update as a read then a write, so two
// requests could both "win" one; the only write it makes atomic is an insert checked by the unique _id
// (see sequence.ts). Spending a one-time link therefore inserts a marker keyed by the link: exactly one
// request can.
import type { Collection } from "mongodb";
import {
  type AuditEntry, type AuditRepository, DuplicateError, type InvitationRepository, type SessionRepository,
  type StoredInvitation, type StoredSession, type StoredUser, type UserRepository,
} from "../../domain/ports";
import { decodeCursor, encodeCursor } from "../cursor";
import { isDuplicateKey } from "./connection";
import { nextSequence } from "./sequence";

export type UserDoc = Omit<StoredUser, "id"> & { _id: string; seq: string };
export type InvitationDoc = Omit<StoredInvitation, "tokenHash"> & { _id: string };
export type SessionDoc = Omit<StoredSession, "idHash"> & { _id: string };
export type AuditDoc = AuditEntry & { _id: string; seq: string };

const user = ({ _id, seq: _seq, ...u }: UserDoc): StoredUser => ({ id: _id, ...u });
const invitation = ({ _id, ...i }: InvitationDoc): StoredInvitation => ({ tokenHash: _id, ...i });
const session = ({ _id, ...x }: SessionDoc): StoredSession => ({ idHash: _id, ...x });

export class MongoUserRepository implements UserRepository {
  constructor(private readonly c: Collection<UserDoc>) {}

  async insert({ id, ...u }: StoredUser): Promise<void> {
    try {
      await this.c.insertOne({ _id: id, seq: nextSequence(), ...u });
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateError(`user ${u.email}`);
      throw err;
    }
  }

  async getById(id: string): Promise<StoredUser | null> {
    const d = await this.c.findOne({ _id: id });
    return d ? user(d) : null;
  }

  async getByEmail(email: string): Promise<StoredUser | null> {
    const d = await this.c.findOne({ email });
    return d ? user(d) : null;
  }

  async list(): Promise<StoredUser[]> {
    return (await this.c.find({}).sort({ seq: 1 }).toArray()).map(user);
  }

  async update({ id, ...u }: StoredUser): Promise<boolean> {
    try {
      return (await this.c.updateOne({ _id: id }, { $set: u })).matchedCount > 0;
    } catch (err) {
      if (isDuplicateKey(err)) throw new DuplicateError(`user ${u.email}`);
      throw err;
    }
  }
}

export interface InvitationUseDoc { _id: string; at: string }

export class MongoInvitationRepository implements InvitationRepository {
  constructor(private readonly c: Collection<InvitationDoc>, private readonly uses: Collection<InvitationUseDoc>) {}

  async insert({ tokenHash, ...i }: StoredInvitation): Promise<void> {
    await this.c.insertOne({ _id: tokenHash, ...i });
  }

  async get(tokenHash: string): Promise<StoredInvitation | null> {
    const d = await this.c.findOne({ _id: tokenHash });
    return d ? invitation(d) : null;
  }

  async consume(tokenHash: string, now: string): Promise<StoredInvitation | null> {
    const current = await this.c.findOne({ _id: tokenHash });
    if (!current || current.usedAt !== null || current.expiresAt <= now) return null;
    try {
      await this.uses.insertOne({ _id: tokenHash, at: now });
    } catch (err) {
      if (isDuplicateKey(err)) return null; // spent by a concurrent request a moment ago
      throw err;
    }
    await this.c.updateOne({ _id: tokenHash }, { $set: { usedAt: now } });
    return { ...invitation(current), usedAt: now };
  }

  async listPending(now: string): Promise<StoredInvitation[]> {
    return (await this.c.find({ usedAt: null, expiresAt: { $gt: now } }).sort({ createdAt: -1 }).toArray()).map(invitation);
  }
}

export class MongoSessionRepository implements SessionRepository {
  constructor(private readonly c: Collection<SessionDoc>) {}

  async insert({ idHash, ...x }: StoredSession): Promise<void> {
    await this.c.insertOne({ _id: idHash, ...x });
  }

  async get(idHash: string): Promise<StoredSession | null> {
    const d = await this.c.findOne({ _id: idHash });
    return d ? session(d) : null;
  }

  async touch(idHash: string, lastSeenAt: string): Promise<boolean> {
    return (await this.c.updateOne({ _id: idHash }, { $set: { lastSeenAt } })).matchedCount > 0;
  }

  async delete(idHash: string): Promise<void> {
    await this.c.deleteOne({ _id: idHash });
  }

  async deleteForUser(userId: string): Promise<number> {
    return (await this.c.deleteMany({ userId })).deletedCount;
  }

  async deleteIdleSince(before: string): Promise<number> {
    return (await this.c.deleteMany({ lastSeenAt: { $lt: before } })).deletedCount;
  }
}

export class MongoAuditRepository implements AuditRepository {
  constructor(private readonly c: Collection<AuditDoc>) {}

  async append(e: AuditEntry): Promise<void> {
    const seq = nextSequence();
    await this.c.insertOne({ _id: seq, seq, ...e });
  }

  async list(opts: { limit: number; cursor?: string }): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const before = opts.cursor ? (decodeCursor(opts.cursor, "audit", ["string"])[0] as string) : null;
    const docs = await this.c.find(before === null ? {} : { seq: { $lt: before } }).sort({ seq: -1 }).limit(opts.limit + 1).toArray();
    const page = docs.slice(0, opts.limit);
    return {
      items: page.map(({ _id: _i, seq: _s, ...e }) => e),
      nextCursor: docs.length > opts.limit ? encodeCursor(["audit", page[page.length - 1]!.seq]) : null,
    };
  }
}
