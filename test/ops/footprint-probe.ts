// Child process of footprint.test.ts: starts a node on the embedded store (no SMTP, no OIDC), serves
// a public page, and prints which of the optional packages its process loaded. Run with tsx's
// CommonJS hooks, as `npm start` runs the node.
import "../../node/runtime/shims";
import { startTestNode } from "../support/node";

const OPTIONAL = ["mongodb", "nodemailer", "world-atlas", "@zxcvbn-ts/language-common"] as const;

async function main(): Promise<void> {
  const node = await startTestNode();
  const home = await fetch(`${node.listenUrl}/`, { headers: { accept: "text/html" } });
  const loaded = new Set<string>();
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (m) loaded.add(m[1]!);
  }
  process.stdout.write(`${JSON.stringify({ home: home.status, loaded: OPTIONAL.filter((p) => loaded.has(p)), express: loaded.has("express") })}\n`);
  await node.stop();
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
