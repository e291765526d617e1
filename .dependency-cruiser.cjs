// Layer rules (docs/architecture.md), checked in CI by `npm run lint:layers`.
// The domain is the centre: it imports nothing from storage, http, federation, ops or jobs, and no
// framework or driver. Storage implements the domain's ports; federation speaks ActivityPub for the
// domain and never touches Express; http adapts both to the web; node/main.ts composes everything.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycles make layers meaningless and start-up order fragile.",
      from: {},
      to: { circular: true },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "The domain owns the ports; adapters depend on it, never the other way round.",
      from: { path: "^node/domain/" },
      to: { path: ["^node/(storage|http|jobs|ops|runtime)/", "^node/(main|cli|config)\\.ts$", "^federation/"] },
    },
    {
      name: "domain-has-no-frameworks",
      severity: "error",
      comment: "No Express, Fedify or database driver types in the domain.",
      from: { path: "^node/domain/" },
      to: { dependencyTypes: ["npm", "npm-dev"], path: "node_modules/(express|@fedify|mongodb|better-sqlite3|undici|prom-client|node-cron)" },
    },
    {
      name: "storage-implements-ports-only",
      severity: "error",
      comment: "Storage adapters know the domain's ports, nothing of the web or of federation.",
      from: { path: "^node/storage/" },
      to: { path: ["^node/(http|jobs)/", "^node/(main|cli)\\.ts$", "^federation/"] },
    },
    {
      name: "federation-has-no-web-framework",
      severity: "error",
      comment: "Federation is mounted by the composition root (node/http/federation-mount.ts); it never imports the HTTP layer or Express.",
      from: { path: "^federation/" },
      to: { path: ["^node/http/", "^node/(main|cli)\\.ts$", "node_modules/express"] },
    },
    {
      name: "ops-is-below-http",
      severity: "error",
      comment: "Operations (logging, metrics registry, leases, shutdown) serve every layer; they import no HTTP code.",
      from: { path: "^node/ops/" },
      to: { path: ["^node/http/", "^node/(main|cli)\\.ts$", "^federation/"] },
    },
    {
      name: "only-the-root-composes",
      severity: "error",
      comment: "node/main.ts is the one composition root; nothing else imports it (the CLI starts it).",
      from: { pathNot: "^node/(cli|main)\\.ts$|^test/|^bench/|^scripts/" },
      to: { path: "^node/main\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(node_modules|test|bench|scripts|\\.ci)/" },
  },
};
