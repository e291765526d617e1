// The runtime shims, checked in a real Node process (Jest resolves modules its own way): loading Fedify
// must leave the engine's built-ins alone, and its JSON-LD processing must still work.
import { execFileSync } from "node:child_process";
import path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

it("keeps native JSON.stringify and Array.prototype.push after Fedify is loaded, with JSON-LD working", () => {
  const script = `
    require("./node/runtime/shims");
    const isNative = (f) => /\\[native code\\]/.test(Function.prototype.toString.call(f));
    const { Create, Note } = require("@fedify/vocab");
    require("@fedify/fedify");
    (async () => {
      const create = new Create({ id: new URL("https://a.example/c/1"), actor: new URL("https://a.example/u"),
        object: new Note({ id: new URL("https://a.example/n/1"), content: "hi" }) });
      const back = await Create.fromJsonLd(await create.toJsonLd({ format: "compact" }));
      const note = await back.getObject();
      console.log(JSON.stringify({ stringify: isNative(JSON.stringify), push: isNative(Array.prototype.push), note: note.id.href, content: String(note.content) }));
    })();`;
  const out = execFileSync(process.execPath, ["--require", "tsx/cjs", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual({ stringify: true, push: true, note: "https://a.example/n/1", content: "hi" });
});
