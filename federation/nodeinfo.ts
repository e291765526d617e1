// NodeInfo 2.1 (Mastodon ignores it; Misskey and fediverse directories read it).
import type { Federation } from "@fedify/fedify";
import type { Repositories } from "../node/domain/ports";
import { routes } from "./routes";

/** What directories show about a node besides its software: its name, member state and role. */
export interface NodeInfoMetadata { nodeName: string; country: string; role: string }

export interface NodeInfoDeps {
  repos: Repositories;
  software: string;
  version: string;
  metadata?: NodeInfoMetadata;
}

export function registerNodeInfo(federation: Federation<void>, deps: NodeInfoDeps): void {
  federation.setNodeInfoDispatcher(routes.nodeInfo, async () => {
    const hubs = await deps.repos.hubs.list();
    let localPosts = 0;
    for (const hub of hubs) localPosts += await deps.repos.challenges.countPublicByHub(hub.doc.id);
    return {
      software: { name: deps.software, version: deps.version },
      protocols: ["activitypub"],
      usage: { users: { total: hubs.length }, localPosts, localComments: 0 },
      openRegistrations: false,
      ...(deps.metadata ? { metadata: { ...deps.metadata } } : {}),
    };
  });
}
