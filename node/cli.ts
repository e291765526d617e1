// The `ipn` command line (commander): start a node, manage hubs and tokens on its store.
import "./runtime/shims";
import { readFileSync, writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { ConfigError, loadConfig, type Config } from "./config";
import { configureLogging } from "./ops/logging";
import { startMemoryTrim } from "./ops/memory-trim";
import { getLogger } from "@logtape/logtape";
import { openServices, SOFTWARE, startNode } from "./main";
import type { Result } from "./domain/errors";
import { releasePackage } from "./domain/ocds/package";
import { CHALLENGE_STATUSES } from "./domain/types";

function config(): Config {
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

function fail<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  const e = r.error;
  const fields = (errors: { pointer: string; message: string }[] = []) => errors.map((x) => `\n  ${x.pointer || "/"}: ${x.message}`).join("");
  switch (e.kind) {
    case "validation": console.error(`invalid:${fields(e.errors)}`); break;
    case "conflict": console.error(`${e.message}${fields(e.errors)}`); break;
    case "not-found": console.error(`${e.what} does not exist`); break;
    case "gone": console.error(e.what); break;
    case "forbidden": console.error(e.message); break;
    case "precondition": console.error(e.message); break;
  }
  process.exit(1);
}

async function start(): Promise<void> {
  const cfg = config();
  await configureLogging(cfg.logLevel, { json: !process.stdout.isTTY });
  const node = await startNode(cfg);
  // Process-wide, so here and not in startNode (tests and benchmarks run several nodes in one process).
  const memoryLog = getLogger(["ipn", "memory"]);
  const trim = cfg.memoryTrim ? startMemoryTrim({
    onTrim: (r) => memoryLog.info("quiet after its memory grew (start-up or a burst of work): a full collection took {pauseMs} ms; heap in use {heapBefore} → {heapAfter} MiB, resident {rssBefore} → {rssAfter} MiB so far", {
      pauseMs: Math.round(r.pauseMs), heapBefore: mib(r.heapBefore), heapAfter: mib(r.heapAfter), rssBefore: mib(r.rssBefore), rssAfter: mib(r.rssAfter),
    }),
    onError: (error) => memoryLog.warn("the memory trim stopped, the node goes on without it: {error}", { error }),
  }) : null;
  const tokenHint = node.adminTokenFile ? `$(cat ${node.adminTokenFile})` : "$IPN_ADMIN_TOKEN";
  console.log([
    ``,
    `IPN ${cfg.nodeRole} node (process role: ${cfg.role}) listening on ${node.listenUrl}`,
    `  public origin: ${node.origin}${cfg.allowPrivateNetwork ? "   [test/demo mode: private network allowed, not for production]" : ""}`,
    `  store:         ${cfg.store}`,
    node.adminTokenFile ? `  admin token:   kept in ${node.adminTokenFile} (set IPN_ADMIN_TOKEN to choose your own)` : `  admin token:   from IPN_ADMIN_TOKEN`,
    ``,
    `Create the first hub:`,
    `  curl -X POST ${node.listenUrl}/api/v1/hubs -H "Authorization: Bearer ${tokenHint}" -H "Content-Type: application/json" \\`,
    `    -d '{"preferredUsername":"demo_hub","hubType":"innovation-procurement-hub","name":{"en":"Demo hub"},"defaultLanguage":"en","languages":["en"],"country":"${cfg.country ?? "DE"}","contact":{"email":"hub@example.org"}}'`,
    `  or: npx ipn hub create --handle demo_hub --name "Demo hub" --email hub@example.org --country ${cfg.country ?? "DE"}`,
    `Create the first administrator of the workspace (the last line printed is their one-time link):`,
    `  npx ipn user invite --email you@example.org --role admin`,
    `API description: ${node.listenUrl}/api/openapi.json — listing: ${node.listenUrl}/`,
    ``,
  ].join("\n"));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down…`);
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    trim?.stop();
    await node.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

const handleArg = (v: string) => {
  if (!/^[a-z0-9_]{1,30}$/.test(v)) throw new InvalidArgumentError("lowercase letters, digits and _ (at most 30)");
  return v;
};

export async function main(argv: string[]): Promise<void> {
  const program = new Command("ipn")
    .description("IPN — Innovation Procurement Network node. Configuration comes from the environment (see README).")
    .version(SOFTWARE.version);

  program.command("start", { isDefault: true }).description("start the node (HTTP, federation, schedules)").action(start);

  const hub = program.command("hub").description("manage the hubs of this node (works on the store directly)");
  hub.command("create")
    .description("create a hub and print its token (shown once)")
    .option("--file <path>", "a hub document (JSON) without id, node, published, updated")
    .option("--handle <handle>", "preferredUsername: the hub's fediverse handle", handleArg)
    .option("--name <name>", "display name")
    .option("--email <email>", "functional contact mailbox")
    .option("--country <code>", "ISO 3166-1 alpha-2 (GR for Greece)")
    .option("--type <hubType>", "hub type", "innovation-procurement-hub")
    .option("--language <tag>", "default language (e.g. de, fr, en)", "en")
    .action(async (o: Record<string, string | undefined>) => {
      const cfg = config();
      const doc = o.file ? JSON.parse(readFileSync(o.file, "utf8")) : {
        preferredUsername: o.handle, hubType: o.type, name: { [o.language!]: o.name ?? o.handle },
        defaultLanguage: o.language, languages: [o.language], country: (o.country ?? cfg.country)?.toUpperCase(),
        contact: { email: o.email },
      };
      const { store, hubs } = await openServices(cfg, cfg.origin);
      try {
        const created = fail(await hubs.create(doc, "cli"));
        console.log(`hub created: ${created.hub.doc.id}\nfediverse handle: @${created.hub.handle}@${new URL(cfg.origin).host}\ntoken (shown once, keep it safe): ${created.token}`);
      } finally { await store.close(); }
    });
  hub.command("list").description("list the hubs").action(async () => {
    const cfg = config();
    const { store, hubs } = await openServices(cfg, cfg.origin);
    try {
      for (const h of await hubs.list()) console.log(`${h.handle}\t${h.doc.country}\t${Object.values(h.doc.name)[0]}\t${h.doc.id}`);
    } finally { await store.close(); }
  });
  hub.command("rotate-token").description("replace a hub's token; the old one stops working").argument("<handle>", "the hub", handleArg)
    .action(async (handle: string) => {
      const cfg = config();
      const { store, hubs } = await openServices(cfg, cfg.origin);
      try {
        console.log(`new token for ${handle} (shown once): ${fail(await hubs.rotateToken(handle, "cli"))}`);
      } finally { await store.close(); }
    });

  const user = program.command("user").description("manage the people of the workspace (works on the store directly)");
  user.command("invite")
    .description("create a one-time invitation link (valid 7 days); its URL is the last line printed")
    .requiredOption("--email <email>", "the person's email address (their sign-in name)")
    .requiredOption("--role <role>", "admin (people, hubs, peers, settings) or editor (the challenges of --hub)", (v: string) => {
      if (v !== "admin" && v !== "editor") throw new InvalidArgumentError("admin or editor");
      return v;
    })
    .option("--hub <handle>", "a hub the editor edits (repeat for several)", (v: string, prev: string[] = []) => [...prev, handleArg(v)])
    .action(async (o: { email: string; role: "admin" | "editor"; hub?: string[] }) => {
      const cfg = config();
      const { store, accounts } = await openServices(cfg, cfg.origin);
      try {
        const r = fail(await accounts.invite({ email: o.email, admin: o.role === "admin", hubs: o.role === "admin" ? [] : o.hub ?? [] }, "cli"));
        const role = o.role === "admin" ? "administrator" : `editor of ${r.invitation.hubs.join(", ")}`;
        const mailed = r.mailed === true ? " (also emailed)" : r.mailed === false ? " (emailing it failed: send it yourself)" : "";
        console.log(`invitation for ${r.invitation.email} as ${role}, valid until ${r.invitation.expiresAt}${mailed}; send them this link (shown once):`);
        console.log(new URL(`/invitations/${r.token}`, cfg.origin).href);
      } finally { await store.close(); }
    });
  user.command("reset")
    .description("create a one-time password-reset link for an existing account; its URL is the last line printed")
    .requiredOption("--email <email>", "the account's email address")
    .action(async (o: { email: string }) => {
      const cfg = config();
      const { store, accounts } = await openServices(cfg, cfg.origin);
      try {
        const r = fail(await accounts.issueReset(o.email, "cli"));
        const mailed = r.mailed === true ? " (also emailed)" : r.mailed === false ? " (emailing it failed: send it yourself)" : "";
        console.log(`password reset for ${r.invitation.email}, valid until ${r.invitation.expiresAt}${mailed}; every session ends when it is used. Link (shown once):`);
        console.log(new URL(`/invitations/${r.token}`, cfg.origin).href);
      } finally { await store.close(); }
    });
  user.command("list").description("list the people with an account").action(async () => {
    const cfg = config();
    const { store, accounts } = await openServices(cfg, cfg.origin);
    try {
      for (const u of await accounts.listUsers()) console.log(`${u.email}\t${u.admin ? "admin" : `editor of ${u.hubs.join(",")}`}\t${u.displayName}`);
    } finally { await store.close(); }
  });

  const peer = program.command("peer").description("manage the allowlist of peer nodes (works on the store; a running node follows and backfills added peers at its next reconciliation)");
  peer.command("add").description("allow a peer node to put its challenges into our mirror, and follow it")
    .argument("<origin>", "the peer's origin, e.g. https://fr.ipn.example")
    .requiredOption("--country <code>", "ISO 3166-1 alpha-2 of the member state it serves, or EU for the aggregator")
    .option("--role <role>", "national or aggregator", "national")
    .action(async (origin: string, o: { country: string; role: string }) => {
      const cfg = config();
      const { store, peers } = await openServices(cfg, cfg.origin);
      try {
        const added = fail(await peers.add({ origin, country: o.country, role: o.role }));
        console.log(`${added.created ? "added" : "updated"} peer ${added.peer.origin} (${added.peer.country}, ${added.peer.role})`);
      } finally { await store.close(); }
    });
  peer.command("list").description("list peers with their sync status and backfill progress").action(async () => {
    const cfg = config();
    const { store, peers } = await openServices(cfg, cfg.origin);
    try {
      const list = await peers.list();
      if (list.length === 0) console.log("no peers (add one with: ipn peer add <origin> --country <code>)");
      for (const p of list) {
        const s = p.sync;
        const backfill = s.backfill.done ? `complete (${s.backfill.fetched})` : s.backfill.startedAt ? `in progress: ${s.backfill.fetched} fetched` : "not started";
        console.log([
          p.origin, p.country, p.role, `follow ${s.followState}`, `held ${s.held ?? "?"}/${s.announced ?? "?"}`,
          `last sync ${s.lastSyncAt ?? "never"}`, `backfill ${backfill}`, s.lastError ? `last error: ${s.lastError}` : "",
        ].filter(Boolean).join("\t"));
      }
    } finally { await store.close(); }
  });
  peer.command("remove").description("remove a peer: its challenges leave the listings; a running worker sends the unfollow (recorded in the store) at its next reconciliation")
    .argument("<origin>", "the peer's origin")
    .action(async (origin: string) => {
      const cfg = config();
      const { store, peers } = await openServices(cfg, cfg.origin);
      try {
        const removed = fail(await peers.remove(origin));
        console.log(`removed peer ${removed.origin}`);
      } finally { await store.close(); }
    });

  const exp = program.command("export").description("export the node's open data");
  exp.command("ocds").description("write an OCDS 1.1 release package of the current release of every public challenge of this node (docs/ocds.md)")
    .option("--out <file>", "write to this file instead of standard output")
    .action(async (o: { out?: string }) => {
      const cfg = config();
      const { store, ocds } = await openServices(cfg, cfg.origin);
      try {
        const releases: Record<string, unknown>[] = [];
        let cursor: string | undefined;
        do {
          const page = await ocds.current({ status: [...PUBLIC_STATUSES], sort: "newest", limit: 100, cursor });
          releases.push(...page.releases);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        const nodeName = cfg.nodeName ?? new URL(cfg.origin).host;
        const pkg = releasePackage({
          uri: new URL("/api/v1/ocds/releases", cfg.origin).href, publishedDate: new Date().toISOString(),
          publisher: { name: nodeName, uri: cfg.origin }, license: cfg.dataLicence,
        }, releases);
        const text = `${JSON.stringify(pkg, null, 2)}\n`;
        if (o.out) {
          writeFileSync(o.out, text);
          console.log(`wrote ${releases.length} release(s) to ${o.out}`);
        } else process.stdout.write(text);
      } finally { await store.close(); }
    });

  await program.parseAsync(argv);
}

const PUBLIC_STATUSES = CHALLENGE_STATUSES.filter((s) => s !== "draft");
