// /.well-known/nodeinfo with the application-actor link of FEP-2677, answered before Fedify (whose
// own answer only lists the NodeInfo document; node/http/federation-mount.ts serves this one).
// WebFinger for the instance actor is Fedify's.
import { instanceActorUri } from "./instance-actor";

export const FEP_2677_REL = "https://www.w3.org/ns/activitystreams#Application";
const NODEINFO_21_REL = "http://nodeinfo.diaspora.software/ns/schema/2.1";

/** The JSON body of /.well-known/nodeinfo: the NodeInfo 2.1 document and the instance actor (FEP-2677). */
export function nodeInfoLinksDocument(origin: string, nodeInfoPath: string): string {
  return JSON.stringify({
    links: [
      { rel: NODEINFO_21_REL, href: new URL(nodeInfoPath, origin).href },
      { rel: FEP_2677_REL, href: instanceActorUri(origin) },
    ],
  });
}
