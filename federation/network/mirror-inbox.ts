// The mirror's inbox rules (DESIGN §4, FEP-fe34 origin rule): what a Create, Update, Announce or
// Delete from a peer may change in the mirror. Activities are only hints: the object is always
// fetched from its origin, never taken from the activity — and destruction too is confirmed there:
// a Delete withdraws a mirrored challenge only when the origin itself says it is gone (410, 404 or
// a Tombstone). A Delete the origin contradicts (a bug, a replay, a forged or spurious message from
// an allowlisted server) changes nothing but a log line; when the origin cannot be asked, the
// challenge stays, and reconciliation later settles it from the origin's own revision list.
import type { PeerRecord } from "../../node/domain/ports";
import { log, message, type NetworkContext } from "./network-context";
import { isChallengeId, PeerBusyError } from "./peer-client";

/** What fetching one document from its origin did to the mirror. */
export type RefetchOutcome = "stored" | "refused" | "gone" | "missing";

export class MirrorInbox {
  constructor(private readonly n: NetworkContext) {}

  /**
   * Create, Update (actor and object on the same allowlisted origin) or Announce (object on an
   * allowlisted origin, announced by an allowlisted peer): the object is fetched from its origin,
   * never taken from the activity. Throws on transport failures so Fedify retries the activity.
   */
  async received(kind: "Create" | "Update" | "Announce", actorId: URL | null, objectId: URL | null): Promise<void> {
    if (!actorId || !objectId || objectId.origin === new URL(this.n.o.origin).origin || !isChallengeId(objectId)) return;
    const sender = await this.n.repos.peers.get(actorId.origin);
    if (!sender) {
      log.info("{kind} of {object} by {actor} ignored: {origin} is not an allowlisted peer", { kind, object: objectId.href, actor: actorId.href, origin: actorId.origin });
      return;
    }
    if (kind !== "Announce" && objectId.origin !== actorId.origin) {
      log.warn("{kind} by {actor} refused: object {object} is on another origin", { kind, actor: actorId.href, object: objectId.href });
      return;
    }
    const peer = kind === "Announce" ? await this.n.repos.peers.get(objectId.origin) : sender;
    if (!peer) {
      log.info("Announce of {object} ignored: its origin is not an allowlisted peer", { object: objectId.href });
      return;
    }
    if (this.n.resting(peer)) {
      log.info("{kind} of {object} not fetched now: {origin} asked to be left alone until {until} (reconciliation catches up)", { kind, object: objectId.href, origin: peer.origin, until: peer.sync.retryAfter });
      return;
    }
    // Create and Update only by the owning hub; an Announce may come from anyone allowlisted.
    try {
      await this.refetch(peer, objectId.href, kind === "Announce" ? null : actorId.href);
    } catch (error) {
      // Asked to wait: remembered for every task of this peer; reconciliation catches up afterwards.
      if (!(error instanceof PeerBusyError)) throw error;
      await this.n.repos.peers.patchSync(peer.origin, { retryAfter: error.until.toISOString() });
      log.info("{kind} of {object} not fetched: {error}", { kind, object: objectId.href, error: message(error) });
    }
  }

  /** Delete of a mirrored challenge, by its owning hub (same origin, allowlisted), confirmed at the origin. */
  async deleted(actorId: URL | null, objectId: URL | null): Promise<void> {
    if (!actorId || !objectId || actorId.origin !== objectId.origin) return;
    const peer = await this.n.repos.peers.get(actorId.origin);
    if (!peer) return;
    const held = await this.n.repos.challenges.getById(objectId.href);
    if (!held || held.key !== null || held.origin !== peer.origin || held.withdrawnAt !== null) return;
    if (held.doc.hub !== actorId.href) {
      log.warn("Delete of {object} by {actor} refused: not its hub", { object: objectId.href, actor: actorId.href });
      return;
    }
    if (this.n.resting(peer)) {
      log.info("Delete of {object} not confirmed now: {origin} asked to be left alone until {until}; it stays listed (reconciliation settles it)", { object: objectId.href, origin: peer.origin, until: peer.sync.retryAfter });
      return;
    }
    let answer: Awaited<ReturnType<typeof this.n.client.canonical>>;
    try {
      answer = await this.n.client.canonical(objectId.href);
    } catch (error) {
      if (error instanceof PeerBusyError) await this.n.repos.peers.patchSync(peer.origin, { retryAfter: error.until.toISOString() });
      log.warn("Delete of {object} not confirmed by its origin ({error}): it stays listed (reconciliation settles it)", { object: objectId.href, error: message(error) });
      return;
    }
    if (answer.kind === "doc") {
      log.warn("Delete of {object} by {actor} ignored: its origin still serves it", { object: objectId.href, actor: actorId.href });
      await this.accept(peer, objectId.href, answer.doc, null);
      return;
    }
    const n = await this.n.o.mirror.withdraw(peer, [objectId.href]);
    if (n) log.info("mirrored challenge {id} withdrawn: {origin} confirms it is gone", { id: objectId.href, origin: peer.origin });
  }

  /**
   * The origin's current canonical document of one challenge into the mirror: 410 withdraws it here.
   * An Update of a challenge we do not hold stores it as well — the document comes from its origin,
   * exactly as a backfill would (ADR 0006). A document held as withdrawn that the origin serves is
   * restored.
   */
  async refetch(peer: PeerRecord, id: string, owner: string | null): Promise<RefetchOutcome> {
    const got = await this.n.client.canonical(id);
    if (got.kind === "gone") {
      await this.n.o.mirror.withdraw(peer, [id]);
      return "gone";
    }
    if (got.kind === "missing") {
      // Not (or no longer) public at its origin: nothing to store; a retry would not change that.
      log.info("{id} is not served by its origin (404): nothing mirrored", { id });
      return "missing";
    }
    return this.accept(peer, id, got.doc, owner);
  }

  private async accept(peer: PeerRecord, id: string, doc: unknown, owner: string | null): Promise<RefetchOutcome> {
    // The answer must be the document asked for, of the hub that sent the activity; the mirror
    // service then checks the origin rule and validates it (once: the schema is the costly part).
    const d = typeof doc === "object" && doc !== null && !Array.isArray(doc) ? (doc as { id?: unknown; hub?: unknown }) : null;
    if (!d || d.id !== id) {
      log.warn("document {id} from {origin} refused: {reason}", { id, origin: peer.origin, reason: d ? `id ${String(d.id)} is not the requested ${id}` : "not a JSON object" });
      return "refused";
    }
    if (owner !== null && d.hub !== owner) {
      log.warn("{id} refused: announced by {owner}, which is not its hub", { id, owner });
      return "refused";
    }
    const result = await this.n.o.mirror.store(peer, [doc], (reason) => {
      log.warn("document {id} from {origin} refused: {reason}", { id, origin: peer.origin, reason });
    });
    return result.refused ? "refused" : "stored";
  }
}
