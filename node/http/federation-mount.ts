// Mounts the federation layer on Express: /.well-known/nodeinfo with the FEP-2677 link (answered
// before Fedify, whose own answer lists only the NodeInfo document), then Fedify through the
// Express 5 bridge with the inbound gate. The federation layer itself stays free of Express.
import type { Federation } from "@fedify/fedify";
import type { RequestHandler } from "express";
import type { IpnFederation } from "../../federation";
import { fedifyMiddleware } from "./fedify-adapter";

export function federationMiddleware(federation: Federation<void>, mount: IpnFederation["mount"], origin: string): RequestHandler {
  const fedify = fedifyMiddleware(federation, { origin, isInboxPath: mount.isInboxPath, gate: mount.gate, fastPath: mount.fastPath, onAccepted: mount.heardFrom });
  const links = mount.nodeInfoLinks;
  if (links === null) return fedify;
  return (req, res, next) => {
    if (req.path !== "/.well-known/nodeinfo" || (req.method !== "GET" && req.method !== "HEAD")) {
      fedify(req, res, next);
      return;
    }
    res.set("Access-Control-Allow-Origin", "*");
    res.set("Cache-Control", "public, max-age=3600");
    res.type("application/json").send(links);
  };
}
