// Every request names the software and the node in User-Agent (issue 8, principle 1): remote admins
// see who calls them, and some servers refuse anonymous clients. Our own fetches set it (safeFetch),
// but Fedify POSTs deliveries with the global fetch and no User-Agent of its own — undici then sends
// "node" — and Fedify's userAgent option cannot be combined with our loader factories (fedify-notes
// P4). So the global fetch gets a thin wrapper: a request without a User-Agent that is signed with a
// key of a registered node (a delivery) gets that node's; with a single node in the process, every
// request without one gets it. Requests that name themselves are left alone.
const byOrigin = new Map<string, string>();
let installed = false;

function keyIdOrigin(headers: Headers): string | null {
  // draft-cavage: Signature: keyId="…"; RFC 9421: Signature-Input: sig1=(…);keyid="…"
  const match = /keyId="([^"]+)"/i.exec(headers.get("signature") ?? "") ?? /keyid="([^"]+)"/i.exec(headers.get("signature-input") ?? "");
  if (!match) return null;
  try {
    return new URL(match[1]!).origin;
  } catch {
    return null;
  }
}

function userAgentFor(headers: Headers): string | null {
  if (headers.has("user-agent")) return null;
  const signer = keyIdOrigin(headers);
  if (signer) return byOrigin.get(signer) ?? null;
  return byOrigin.size === 1 ? [...byOrigin.values()][0]! : null;
}

function install(): void {
  if (installed) return;
  installed = true;
  const original = globalThis.fetch;
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const userAgent = userAgentFor(headers);
    if (!userAgent) return original(input, init);
    headers.set("user-agent", userAgent);
    if (init?.headers === undefined && input instanceof Request) {
      const request = new Request(input, init);
      request.headers.set("user-agent", userAgent);
      return original(request);
    }
    return original(input, { ...init, headers });
  };
}

/** Names `origin`'s node in the User-Agent of requests it signs (Fedify's deliveries); returns the undo. */
export function registerUserAgent(origin: string, userAgent: string): () => void {
  const key = new URL(origin).origin;
  byOrigin.set(key, userAgent);
  install();
  return () => {
    if (byOrigin.get(key) === userAgent) byOrigin.delete(key);
  };
}
