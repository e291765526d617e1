// A peer's hub profiles into the mirror (issue 11, "Directories"): at every reconciliation the peer's
// hub list is fetched through the peer client (signed, bounded, same origin, JSON only), each document
// is held to the domain's rule (selectMirroredHubs: valid, on the peer's origin, at most maxHubs), and
// the accepted set replaces what we held of that peer — a hub gone from its list leaves the directory.
// Hubs are a courtesy beside the challenges: a failure here is logged and keeps what we hold; it never
// fails the challenge sync, nor touches its status.
import { selectMirroredHubs } from "../../node/domain/mirrored-hubs";
import { log, message, type NetworkContext } from "./network-context";
import { PeerBusyError } from "./peer-client";

export class HubSync {
  constructor(private readonly n: NetworkContext) {}

  async run(origin: string): Promise<void> {
    let listed: unknown[];
    try {
      listed = await this.n.client.hubList(origin, this.n.bounds.hubListBytes);
    } catch (error) {
      // Asked to wait: remembered for every task of this peer, as for its challenges.
      if (error instanceof PeerBusyError) await this.n.repos.peers.patchSync(origin, { retryAfter: error.until.toISOString() });
      log.warn("hub list of {origin} not fetched (the hubs held stay): {error}", { origin, error: message(error) });
      return;
    }
    const { accepted, refused, dropped } = selectMirroredHubs(listed, origin, { allowHttp: this.n.o.allowPrivateNetwork, max: this.n.bounds.maxHubs });
    for (const r of refused.slice(0, 10)) log.warn("hub from {origin} refused: {reason}", { origin, reason: r.reason });
    if (dropped) log.warn("hub list of {origin}: {dropped} hubs beyond the {max} mirrored per peer dropped", { origin, dropped, max: this.n.bounds.maxHubs });
    // Removed from the allowlist meanwhile: nothing more enters the mirror.
    if (this.n.closed || !(await this.n.repos.peers.get(origin))) return;
    const { held, removed } = await this.n.repos.mirroredHubs.replaceOrigin(origin, accepted, this.n.stamp());
    log.info("hubs of {origin}: {held} held, {removed} removed, {refused} refused", { origin, held, removed, refused: refused.length });
  }
}
