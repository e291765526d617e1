// A hostile "peer node" for mirror tests: a raw HTTP server on 127.0.0.1 that answers the sync API
// (/api/v1/sync/{digest,revisions,challenges}), canonical documents (/api/v1/challenges/{key}) and its
// hub list (/api/v1/hubs)
// however the test says — lying about paging, redirecting, serving HTML, asking to be left alone,
// serving invalid documents — and counts every request, so tests can prove what the node did NOT ask.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Challenge, Hub } from "../../../node/domain/types";
import { sampleChallenge } from "../../contract/sample-challenge";

export interface HostileAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
}

export type HostileRoute = (url: URL) => HostileAnswer | Promise<HostileAnswer>;

export interface HostileMirrorPeer {
  origin: string;
  /** Every request's path and query, in arrival order. */
  requests: URL[];
  /** How many requests went to paths starting with `prefix`. */
  count(prefix: string): number;
  /** Replaces how a path prefix is answered (longest matching prefix wins; unknown paths: 404). */
  route(prefix: string, answer: HostileRoute): void;
  close(): Promise<void>;
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): HostileAnswer => ({ status, body, headers: { "content-type": "application/json", ...headers } });

export async function startHostileMirrorPeer(): Promise<HostileMirrorPeer> {
  const routes = new Map<string, HostileRoute>();
  const requests: URL[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://peer.invalid");
    requests.push(url);
    const prefix = [...routes.keys()].filter((p) => url.pathname.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    try {
      const answer = prefix ? await routes.get(prefix)!(url) : { status: 404, body: "" };
      const body = typeof answer.body === "string" ? answer.body : answer.body === undefined ? "" : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, answer.headers ?? {});
      res.end(body);
    } catch {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    count: (prefix) => requests.filter((u) => u.pathname.startsWith(prefix)).length,
    route: (prefix, answer) => { routes.set(prefix, answer); },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/**
 * A valid challenge document of `origin` (id {origin}/challenges/{key}, hub on the same origin), at
 * the fixture's revision plus `edits` later revisions (each with its changeLog entry).
 */
export function challengeOf(origin: string, key: string, edits = 0): Challenge {
  const doc = sampleChallenge({ key, origin, country: "AT", hub: "hostile" }).doc;
  for (let i = 0; i < edits; i++) {
    doc.revision += 1;
    doc.changeLog = [...(doc.changeLog ?? []), { revision: doc.revision, date: `2026-11-2${1 + i}T09:30:00+01:00`, reason: "update-add", description: { [doc.defaultLanguage]: "More answers." } }];
  }
  return doc;
}

/** A valid hub document of `origin` at the address IPN nodes mint ({origin}/hubs/{handle}). */
export function hubOf(origin: string, handle: string, overrides: Partial<Hub> = {}): Hub {
  return {
    schemaVersion: "1.0", id: `${origin}/hubs/${handle}`, preferredUsername: handle, hubType: "public-buyer",
    name: { de: `Hub ${handle}` }, defaultLanguage: "de", languages: ["de"], country: "AT",
    contact: { email: `${handle}@hubs.example` }, published: "2026-01-01T00:00:00Z", ...overrides,
  };
}
