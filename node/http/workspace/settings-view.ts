// The configuration as the workspace shows it to admins: what the node runs with, never a secret
// (tokens are left out, passwords in the store URL are masked).
import type { Config } from "../../config";

/** "mongodb://user:secret@db/ipn" → "mongodb://user:•••@db/ipn". */
export function maskStoreUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:/@]+):[^@/]*@/i, "$1:•••@");
}

export function settingsView(config: Config, origin: string): [string, string][] {
  return [
    ["IPN_ORIGIN (public origin)", origin],
    ["IPN_ROLE (node role)", config.nodeRole],
    ["IPN_COUNTRY", config.country ?? "—"],
    ["IPN_NODE_NAME", config.nodeName ?? "—"],
    ["IPN_STORE", maskStoreUrl(config.store)],
    ["Process role", config.role],
    ["IPN_AUTHORIZED_FETCH (secure mode)", String(config.authorizedFetch)],
    ["IPN_ALLOW_PRIVATE_NETWORK (test mode)", String(config.allowPrivateNetwork)],
    ["IPN_PEERS (configured peers)", String(config.peers.length)],
    ["IPN_RECONCILE_CRON", config.reconcileCron],
    ["IPN_RATE_LIMIT_INBOX / _INBOX_SERVER / _API (per minute)", `${config.rateLimitInbox} / ${config.rateLimitInboxServer} / ${config.rateLimitApi}`],
    ["IPN_OIDC_ISSUER (single sign-on)", config.oidcIssuer ? `${config.oidcIssuer} (client ${config.oidcClientId})` : "not configured"],
    ["IPN_SMTP_URL (mailing links)", config.smtpUrl ? maskStoreUrl(config.smtpUrl) : "not configured: links are only shown"],
    ["IPN_OCDS_PREFIX", config.ocdsPrefix],
    ["IPN_DATA_LICENCE", config.dataLicence],
    ["Admin token", config.adminToken ? "from IPN_ADMIN_TOKEN (not shown)" : "generated, kept in the data directory (not shown)"],
    ["Metrics token", config.metricsToken ? "set (not shown)" : "not set: /metrics is open, block it at the proxy"],
  ];
}
