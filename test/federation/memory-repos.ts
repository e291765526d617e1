// Small in-memory fakes of the storage ports for unit tests of the federation layer. Only what
// those tests touch is implemented; the real adapters are covered by test/contract.
import type { ActivityRecord, ActivityRepository, Follower, FollowerRepository, HubRepository, Repositories, StoredHub } from "../../node/domain/ports";

export class MemoryActivities implements ActivityRepository {
  readonly records: ActivityRecord[] = [];
  async pending(limit: number) { return this.records.filter((r) => r.federatedAt == null).slice(0, limit); }
  async markFederated(id: string, at: string) { const r = this.records.find((x) => x.id === id); if (r) r.federatedAt = at; }
  async get(id: string) { return this.records.find((r) => r.id === id) ?? null; }
  async pageByActor(actor: string, _before: string | null, limit: number) {
    return { items: this.records.filter((r) => r.actor === actor).reverse().slice(0, limit), next: null };
  }
  async countByActor(actor: string) { return this.records.filter((r) => r.actor === actor).length; }
  async forObject(objectId: string) { return this.records.filter((r) => r.objectId === objectId); }
}

export class MemoryHubs implements HubRepository {
  readonly hubs = new Map<string, StoredHub>();
  async insert(hub: StoredHub) { this.hubs.set(hub.handle, hub); }
  async get(handle: string) { return this.hubs.get(handle) ?? null; }
  async list() { return [...this.hubs.values()]; }
  async setTokenHash() { return false; }
  async updateDoc(handle: string, doc: StoredHub["doc"]) {
    const h = this.hubs.get(handle);
    if (h) this.hubs.set(handle, { ...h, doc });
    return h !== undefined;
  }
}

export class MemoryFollowers implements FollowerRepository {
  readonly byHub = new Map<string, Follower[]>();
  async add(hub: string, f: Follower) { const list = (this.byHub.get(hub) ?? []).filter((x) => x.actorId !== f.actorId); this.byHub.set(hub, [...list, f]); }
  async remove(hub: string, actorId: string) {
    const list = this.byHub.get(hub) ?? [];
    this.byHub.set(hub, list.filter((x) => x.actorId !== actorId));
    return list.some((x) => x.actorId === actorId);
  }
  async removeByInbox(inbox: string) {
    let n = 0;
    for (const [hub, list] of this.byHub) {
      const keep = list.filter((f) => f.inbox !== inbox && f.sharedInbox !== inbox);
      n += list.length - keep.length;
      this.byHub.set(hub, keep);
    }
    return n;
  }
  async all(hub: string) { return this.byHub.get(hub) ?? []; }
  async page(hub: string, _cursor: string | null, limit: number) { return { items: (this.byHub.get(hub) ?? []).slice(0, limit), next: null }; }
  async count(hub: string) { return (this.byHub.get(hub) ?? []).length; }
}

const unused = new Proxy({}, { get: (_t, p) => () => { throw new Error(`memory-repos: ${String(p)} is not faked`); } });

export function memoryRepos(): Repositories & { activities: MemoryActivities; hubs: MemoryHubs; followers: MemoryFollowers } {
  return {
    activities: new MemoryActivities(),
    hubs: new MemoryHubs(),
    followers: new MemoryFollowers(),
    challenges: unused as Repositories["challenges"],
    keys: unused as Repositories["keys"],
    peers: unused as Repositories["peers"],
    mirror: unused as Repositories["mirror"],
    mirroredHubs: unused as Repositories["mirroredHubs"],
    feedEffects: unused as Repositories["feedEffects"],
    users: unused as Repositories["users"],
    invitations: unused as Repositories["invitations"],
    sessions: unused as Repositories["sessions"],
    audit: unused as Repositories["audit"],
    schedules: unused as Repositories["schedules"],
  };
}
