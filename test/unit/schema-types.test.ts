// The API's TypeScript input types are generated from schemas/api/ (scripts/schema-types.ts); this keeps
// the committed file equal to what the schemas generate, so a schema change cannot leave the types behind.
// The generator runs in its own process: json-schema-to-typescript formats with Prettier, an ES module.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

it("node/http/api/generated/api-types.ts is what the schemas generate (run `npm run schemas:types` after a schema change)", () => {
  const generated = execFileSync(process.execPath, ["--import", "tsx", "scripts/schema-types.ts", "--stdout"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(generated).toContain("export interface ListingQuery {");
  expect(fs.readFileSync(path.join(ROOT, "node/http/api/generated/api-types.ts"), "utf8")).toBe(generated);
});
