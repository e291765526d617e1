// /.well-known/nodeinfo with the application-actor link of FEP-2677, answered before Fedify (whose
// own answer only lists the NodeInfo document). WebFinger for the instance actor is Fedify's.
import type { RequestHandler } from "express";
import { instanceActorUri } from "./instance-actor";

export const FEP_2677_REL = "https://www.w3.org/ns/activitystreams#Application";
const NODEINFO_21_REL = "http://nodeinfo.diaspora.software/ns/schema/2.1";

export function nodeInfoLinksHandler(origin: string, nodeInfoPath: string): RequestHandler {
  const body = JSON.stringify({
    links: [
      { rel: NODEINFO_21_REL, href: new URL(nodeInfoPath, origin).href },
      { rel: FEP_2677_REL, href: instanceActorUri(origin) },
    ],
  });
  return (req, res, next) => {
    if (req.path !== "/.well-known/nodeinfo" || (req.method !== "GET" && req.method !== "HEAD")) return next();
    res.set("Access-Control-Allow-Origin", "*");
    res.set("Cache-Control", "public, max-age=3600");
    res.type("application/json").send(body);
  };
}
