// The mirror's inbox rules (DESIGN §4, FEP-fe34 origin rule): what a Create, Update, Announce or
// Delete from a peer may change in the mirror. Activities are only hints: the object is always
// fetched from its origin, never taken from the activity — and destruction too is confirmed there:
// a Delete withdraws a mirrored challenge only when the origin itself says it is gone (410, 404 or
// a Tombstone). A Delete the origin contradicts (a bug, a replay, a forged or spurious message from
// an allowlisted server) changes nothing but a log line; when the origin cannot be asked, the
// challenge stays, and reconciliation later settles it from the origin's own revision list.
//
// The objects of Creates, Updates and Announces handed over while a fetch from their origin runs are
// fetched together (one GET of its sync documents endpoint for up to 50, ./origin-batches.ts) and
// stored in one call of the mirror service; an origin without that endpoint (an older node) is asked
// one document at a time, a few at once.
import type { PeerRecord } from "../../node/domain/ports";
import { SafeFetchError } from "../safe-fetch";
import { log, message, type NetworkContext } from "./network-context";
import { OriginBatches, type Outcomes } from "./origin-batches";
import { batchKeyOf, type CanonicalAnswer, DOCUMENTS_PER_REQUEST, isChallengeId, PeerBusyError, PeerFetchError } from "./peer-client";

/** What fetching one document from its origin did to the mirror. */
export type RefetchOutcome = "stored" | "refused" | "gone" | "missing";

/** One object to fetch from its origin: the hub that must own it (Create, Update), or null (Announce). */
interface Wanted { id: string; owner: string | null }

/** How long an origin that does not serve the documents endpoint is asked one document at a time. */
const SINGLE_FOR_MS = 60 * 60_000;
/** Documents asked for one by one at once per origin. */
const SINGLE_AT_ONCE = 4;
/**
 * In a burst of an origin's hints (its last fetch held 8 or more), the next fetch waits up to 10 ms to
 * take up to DOCUMENTS_PER_REQUEST together (./origin-batches.ts). Inbound ingest of 1,500 Creates:
 * batches of ≈ 16 → ≈ 43 (with 64 inbox workers), see ADR 0016.
 */
const BURST_LINGER = { from: 8, ms: 10 };

export class MirrorInbox {
  private readonly batches = new OriginBatches<Wanted, RefetchOutcome>((origin, items) => this.refetchTogether(origin, items), DOCUMENTS_PER_REQUEST, BURST_LINGER);
  /** Origins that answered the documents endpoint as an older node does, until when (epoch ms). */
  private readonly singleUntil = new Map<string, number>();

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
    const wanted = { id: objectId.href, owner: kind === "Announce" ? null : actorId.href };
    const batched = batchKeyOf(wanted.id) !== null;
    try {
      // Through the origin's batches even when it is asked one by one: they bound its concurrent GETs.
      if (batched) await this.batches.add(peer.origin, wanted);
      else await this.refetch(peer, wanted.id, wanted.owner);
    } catch (error) {
      // Asked to wait: remembered for every task of this peer (a batch did so once for all its hints);
      // reconciliation catches up afterwards.
      if (!(error instanceof PeerBusyError)) throw error;
      if (!batched) await this.rest(peer.origin, error);
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
      if (error instanceof PeerBusyError) await this.rest(peer.origin, error);
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
    if (!this.fits(peer, id, doc, owner)) return "refused";
    const result = await this.n.o.mirror.store(peer, [doc], (reason) => {
      log.warn("document {id} from {origin} refused: {reason}", { id, origin: peer.origin, reason });
    });
    return result.refused ? "refused" : "stored";
  }

  /**
   * The answer must be the document asked for, of the hub that sent the activity; the mirror service
   * then checks the origin rule and validates it (once: the schema is the costly part).
   */
  private fits(peer: PeerRecord, id: string, doc: unknown, owner: string | null): boolean {
    const d = typeof doc === "object" && doc !== null && !Array.isArray(doc) ? (doc as { id?: unknown; hub?: unknown }) : null;
    if (!d || d.id !== id) {
      log.warn("document {id} from {origin} refused: {reason}", { id, origin: peer.origin, reason: d ? `id ${String(d.id)} is not the requested ${id}` : "not a JSON object" });
      return false;
    }
    if (owner !== null && d.hub !== owner) {
      log.warn("{id} refused: announced by {owner}, which is not its hub", { id, owner });
      return false;
    }
    return true;
  }

  private singleOnly(origin: string): boolean {
    const until = this.singleUntil.get(origin);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.singleUntil.delete(origin);
    return false;
  }

  /** Remembers a peer's Retry-After (for every task of this peer; in a batch at once, before the hints queued behind it run). */
  private async rest(origin: string, busy: PeerBusyError): Promise<void> {
    await this.n.repos.peers.patchSync(origin, { retryAfter: busy.until.toISOString() });
  }

  /**
   * The objects one origin's hints asked for: fetched in one request (those the answer leaves out, or all
   * of them from an older node, one by one, SINGLE_AT_ONCE at a time), gone ones withdrawn together, the
   * others stored in one call of the mirror service (one transaction on SQLite). Each item gets the
   * outcome a refetch of it alone would have had; a failure fails only the items it touched.
   */
  private async refetchTogether(origin: string, items: Wanted[]): Promise<Outcomes<RefetchOutcome>> {
    // Read again: hints waited for the run ahead of them, during which the peer may have been removed
    // or have asked to be left alone.
    const peer = await this.n.repos.peers.get(origin);
    if (!peer) {
      log.info("{count} hints of {origin} dropped: no longer an allowlisted peer", { count: items.length, origin });
      return items.map(() => ({ ok: true, value: "refused" }));
    }
    if (this.n.resting(peer)) throw new PeerBusyError(origin, 429, new Date(peer.sync.retryAfter!));
    const ids = [...new Set(items.map((w) => w.id))];
    let answers = new Map<string, CanonicalAnswer>();
    if (!this.singleOnly(origin)) {
      try {
        const together = await this.n.client.documents(origin, ids);
        if (together) answers = together;
        else {
          this.singleUntil.set(origin, Date.now() + SINGLE_FOR_MS);
          log.info("{origin} does not serve several documents per request (an older node): asked one by one for an hour", { origin });
        }
      } catch (error) {
        // Asked to wait: every item fails with it (received() logs it; reconciliation catches up). An
        // answer that is not one (an error status, not JSON, from another origin, too large, redirected
        // in circles): asked one by one. No answer at all (a timeout, a refused connection): the items
        // fail and the queue retries them, rather than wait for each of them in turn.
        if (error instanceof PeerBusyError) {
          await this.rest(origin, error);
          throw error;
        }
        const unusable = error instanceof PeerFetchError || (error instanceof SafeFetchError && (error.code === "too-large" || error.code === "too-many-redirects"));
        if (!unusable) throw error;
        log.info("documents of {origin} not fetched together ({error}): asked one by one", { origin, error: message(error) });
      }
    }
    const failed = new Map<string, unknown>();
    const alone = ids.filter((id) => !answers.has(id));
    for (let i = 0; i < alone.length; i += SINGLE_AT_ONCE) {
      await Promise.all(alone.slice(i, i + SINGLE_AT_ONCE).map(async (id) => {
        try {
          answers.set(id, await this.n.client.canonical(id));
        } catch (error) {
          failed.set(id, error);
        }
      }));
      // Asked to wait on the way: the rest is not asked for.
      const busy = [...failed.values()].find((e): e is PeerBusyError => e instanceof PeerBusyError);
      if (busy) {
        await this.rest(origin, busy);
        for (const id of alone.slice(i + SINGLE_AT_ONCE)) failed.set(id, busy);
        break;
      }
    }

    const gone = ids.filter((id) => answers.get(id)?.kind === "gone");
    const fits = items.map((w) => {
      const a = answers.get(w.id);
      return a?.kind === "doc" && this.fits(peer, w.id, a.doc, w.owner);
    });
    const docs = new Map<string, unknown>();
    items.forEach((w, i) => { if (fits[i]) docs.set(w.id, (answers.get(w.id) as { doc: unknown }).doc); });
    const [withdrawn, storing] = await Promise.allSettled([
      gone.length ? this.n.o.mirror.withdraw(peer, gone) : Promise.resolve(0),
      this.storeAll(peer, docs),
    ]);
    const stored = storing.status === "fulfilled" ? storing.value : { refused: new Set<unknown>(), failed: new Map<string, unknown>() };
    return items.map((w, i): Outcomes<RefetchOutcome>[number] => {
      const a = answers.get(w.id);
      if (!a) return { ok: false, error: failed.get(w.id) };
      if (a.kind === "missing") {
        log.info("{id} is not served by its origin (404): nothing mirrored", { id: w.id });
        return { ok: true, value: "missing" };
      }
      if (a.kind === "gone") return withdrawn.status === "fulfilled" ? { ok: true, value: "gone" } : { ok: false, error: withdrawn.reason };
      if (!fits[i]) return { ok: true, value: "refused" };
      if (stored.failed.has(w.id)) return { ok: false, error: stored.failed.get(w.id) };
      return { ok: true, value: stored.refused.has(a.doc) ? "refused" : "stored" };
    });
  }

  /**
   * The documents in one call of the mirror service; when that call fails (a busy store, one document
   * the database rejects), each alone, so that one cannot keep the others out. Returns the documents
   * refused and, by id, the errors of those that could not be stored.
   */
  private async storeAll(peer: PeerRecord, docs: Map<string, unknown>): Promise<{ refused: Set<unknown>; failed: Map<string, unknown> }> {
    const refused = new Set<unknown>();
    const failed = new Map<string, unknown>();
    const onRefused = (reason: string, doc: unknown) => {
      if (refused.has(doc)) return;
      refused.add(doc);
      log.warn("document {id} from {origin} refused: {reason}", { id: (doc as { id?: unknown }).id, origin: peer.origin, reason });
    };
    if (docs.size === 0) return { refused, failed };
    try {
      await this.n.o.mirror.store(peer, [...docs.values()], onRefused);
    } catch (error) {
      if (docs.size === 1) for (const id of docs.keys()) failed.set(id, error);
      else {
        log.info("{count} documents of {origin} not stored together ({error}): each alone", { count: docs.size, origin: peer.origin, error: message(error) });
        for (const [id, doc] of docs) {
          try {
            await this.n.o.mirror.store(peer, [doc], onRefused);
          } catch (e) {
            failed.set(id, e);
          }
        }
      }
    }
    return { refused, failed };
  }
}
