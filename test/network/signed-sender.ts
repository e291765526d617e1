// A stranger on the network for trust tests: a tiny fediverse server on 127.0.0.1 with one actor whose
// key it publishes, so the activities it sends verify — authentic, yet not necessarily allowed. Like
// GoToSocial, it serves its actor and key only to signed GETs.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createFederation, generateCryptoKeyPair, MemoryKvStore, type Federation } from "@fedify/fedify";
import { Endpoints, Person, type Activity } from "@fedify/vocab";
import { refuseUnsigned } from "../support/signed-fetch-gate";

export interface SignedSender {
  origin: string;
  actorUri: string;
  /** Sends the activity, signed by this server's actor, straight to an inbox; resolves with the HTTP outcome. */
  send(inbox: string, recipientId: string, activity: Activity): Promise<"delivered" | "refused">;
  close(): Promise<void>;
}

export async function startSignedSender(): Promise<SignedSender> {
  const rsa = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const ed = await generateCryptoKeyPair("Ed25519");
  let federation: Federation<void> | null = null;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(url, { method: req.method, headers });
    const ctx = federation!.createContext(new URL(origin), undefined);
    const refused = await refuseUnsigned(request.clone(), async () => ({ documentLoader: await ctx.getDocumentLoader({ identifier: "mallory" }), contextLoader: ctx.contextLoader }));
    const response = refused ?? await federation!.fetch(request, {
      contextData: undefined,
      onNotFound: () => new Response(null, { status: 404 }),
      onNotAcceptable: () => new Response(null, { status: 406 }),
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  federation = createFederation<void>({ kv: new MemoryKvStore(), origin, allowPrivateAddress: true });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== "mallory") return null;
      const keys = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        inbox: new URL("/users/mallory/inbox", origin),
        endpoints: new Endpoints({ sharedInbox: new URL("/inbox", origin) }),
        publicKey: keys[0]!.cryptographicKey,
        assertionMethods: keys.map((k) => k.multikey),
      });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === "mallory" ? [rsa, ed] : []));
  const ctx = () => federation!.createContext(new URL(origin), undefined);
  return {
    origin,
    actorUri: `${origin}/users/mallory`,
    async send(inbox, recipientId, activity) {
      try {
        await ctx().sendActivity({ identifier: "mallory" }, { id: new URL(recipientId), inboxId: new URL(inbox), endpoints: null }, activity, { immediate: true });
        return "delivered";
      } catch {
        return "refused";
      }
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
