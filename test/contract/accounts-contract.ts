// The workspace's repositories (users, one-time links, sessions, audit log) and a hub's own challenges,
// as every store must keep them: called from sqlite.test.ts and mongo.test.ts.
import { DuplicateError, InvalidCursorError, type StoredInvitation, type StoredSession, type StoredUser } from "../../node/domain/ports";
import type { Store } from "../../node/storage/store";
import type { StoreFactory } from "./store-contract";
import { hubId, sampleChallenge } from "./sample-challenge";

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 4, 10, minutes)).toISOString();

const user = (n: number, o: Partial<StoredUser> = {}): StoredUser => ({
  id: `u-${n}`, email: `person${n}@authority.example`, displayName: `Person ${n}`, language: "de", admin: n === 1, hubs: n === 1 ? [] : ["muenchen"],
  passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", createdAt: at(n), updatedAt: at(n), sessionsValidAfter: null, ...o,
});

const link = (n: number, o: Partial<StoredInvitation> = {}): StoredInvitation => ({
  tokenHash: `${String(n).padStart(2, "0")}${"a".repeat(62)}`, kind: "invite", email: `new${n}@authority.example`, admin: false, hubs: ["muenchen"],
  createdBy: "cli", createdAt: at(n), expiresAt: at(30), usedAt: null, ...o,
});

const session = (n: number, userId: string, lastSeenAt: string): StoredSession => ({
  idHash: `${String(n).padStart(2, "0")}${"b".repeat(62)}`, userId, csrfToken: `csrf-${n}`, createdAt: at(0), lastSeenAt,
});

export function describeAccountsContract(name: string, factory: StoreFactory): void {
  describe(`${name}: workspace accounts`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => { ({ store, cleanup } = await factory()); });
    afterEach(async () => { await cleanup(); });

    it("keeps users by id and by email, one account per email, in creation order", async () => {
      for (const n of [1, 2, 3]) await store.users.insert(user(n));
      expect(await store.users.getById("u-2")).toEqual(user(2));
      expect(await store.users.getByEmail("person3@authority.example")).toEqual(user(3));
      expect(await store.users.getByEmail("nobody@authority.example")).toBeNull();
      await expect(store.users.insert(user(4, { email: "person1@authority.example" }))).rejects.toBeInstanceOf(DuplicateError);
      expect((await store.users.list()).map((u) => u.id)).toEqual(["u-1", "u-2", "u-3"]);
      const changed = { ...user(2), displayName: "Renamed", sessionsValidAfter: at(9) };
      expect(await store.users.update(changed)).toBe(true);
      expect(await store.users.getById("u-2")).toEqual(changed);
      expect(await store.users.update(user(9))).toBe(false);
    });

    it("spends a one-time link exactly once, and never after it expired", async () => {
      await store.invitations.insert(link(1));
      await store.invitations.insert(link(2, { expiresAt: at(5) }));
      await store.invitations.insert(link(3, { kind: "reset", hubs: [] }));
      expect(await store.invitations.get(link(1).tokenHash)).toEqual(link(1));
      expect((await store.invitations.listPending(at(10))).map((i) => i.email)).toEqual(["new3@authority.example", "new1@authority.example"]);
      const [first, second] = await Promise.all([store.invitations.consume(link(1).tokenHash, at(10)), store.invitations.consume(link(1).tokenHash, at(10))]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      expect((first ?? second)!.usedAt).toBe(at(10));
      expect(await store.invitations.consume(link(1).tokenHash, at(11))).toBeNull();
      expect(await store.invitations.consume(link(2).tokenHash, at(10))).toBeNull(); // expired at 10:05
      expect(await store.invitations.consume("f".repeat(64), at(10))).toBeNull();
      expect((await store.invitations.listPending(at(10))).map((i) => i.email)).toEqual(["new3@authority.example"]);
    });

    it("keeps sessions until they are ended one by one, per user, or for idleness", async () => {
      await store.sessions.insert(session(1, "u-1", at(1)));
      await store.sessions.insert(session(2, "u-1", at(2)));
      await store.sessions.insert(session(3, "u-2", at(20)));
      expect(await store.sessions.get(session(3, "u-2", at(20)).idHash)).toEqual(session(3, "u-2", at(20)));
      expect(await store.sessions.touch(session(1, "u-1", at(1)).idHash, at(25))).toBe(true);
      expect((await store.sessions.get(session(1, "u-1", at(1)).idHash))!.lastSeenAt).toBe(at(25));
      expect(await store.sessions.deleteIdleSince(at(10))).toBe(1); // session 2, last seen 10:02
      expect(await store.sessions.get(session(2, "u-1", at(2)).idHash)).toBeNull();
      expect(await store.sessions.deleteForUser("u-1")).toBe(1);
      await store.sessions.delete(session(3, "u-2", at(20)).idHash);
      expect(await store.sessions.get(session(3, "u-2", at(20)).idHash)).toBeNull();
      expect(await store.sessions.touch(session(3, "u-2", at(20)).idHash, at(26))).toBe(false);
    });

    it("pages the audit log newest first, and refuses a cursor it did not give", async () => {
      for (let i = 0; i < 5; i++) {
        await store.audit.append({ at: at(i), actor: "cli", action: "user.invite", target: `p${i}@x.example`, revision: i === 4 ? 3 : null, detail: i === 0 ? "admin" : null });
      }
      const first = await store.audit.list({ limit: 2 });
      expect(first.items.map((e) => e.target)).toEqual(["p4@x.example", "p3@x.example"]);
      expect(first.items[0]).toEqual({ at: at(4), actor: "cli", action: "user.invite", target: "p4@x.example", revision: 3, detail: null });
      const second = await store.audit.list({ limit: 2, cursor: first.nextCursor! });
      const third = await store.audit.list({ limit: 2, cursor: second.nextCursor! });
      expect([...second.items, ...third.items].map((e) => e.target)).toEqual(["p2@x.example", "p1@x.example", "p0@x.example"]);
      expect(third.items[0]!.detail).toBe("admin");
      expect(third.nextCursor).toBeNull();
      await expect(store.audit.list({ limit: 2, cursor: "garbage" })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it("lists a hub's own challenges with drafts and withdrawn ones, most recently updated first", async () => {
      const draft = sampleChallenge({ status: "draft" });
      draft.doc.updated = "2026-12-01T10:00:00Z";
      const open = sampleChallenge({ status: "open" });
      open.doc.updated = "2026-12-02T10:00:00Z";
      const withdrawn = sampleChallenge({ status: "open", withdrawnAt: "2026-12-03T10:00:00Z" });
      withdrawn.doc.updated = "2026-11-30T10:00:00Z";
      const otherHub = sampleChallenge({ hub: "lyon" });
      const mirrored = sampleChallenge({ key: null, origin: "https://fr.ipn.test", country: "FR" });
      mirrored.doc.hub = hubId("muenchen");
      for (const c of [draft, open, withdrawn, otherHub, mirrored]) await store.challenges.insert(c, null);
      expect((await store.challenges.listByHub(hubId("muenchen"))).map((c) => c.id)).toEqual([open.id, draft.id, withdrawn.id]);
      expect(await store.challenges.listByHub(hubId("nowhere"))).toEqual([]);
    });
  });
}
