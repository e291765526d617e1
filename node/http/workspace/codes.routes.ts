// The code finder of the workspace: CPV and NUTS codes by words of their labels or the start of the
// code. A page (works without JavaScript, opened beside the editor) and JSON for the editor's
// suggestion lists (static/code-picker.js, the one script of the workspace).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Response, Router } from "express";
import { searchCodes } from "../../domain/code-search";
import { html, type SafeHtml } from "../pages/html";
import type { Page } from "./auth-pages";
import type { Tw } from "./ws-i18n";

const LISTS = { cpv: "cpv", nuts: "nuts" } as const;
type ListName = keyof typeof LISTS;
const script = readFileSync(path.join(__dirname, "..", "static", "code-picker.js"), "utf8");

export function codeFinderRoutes(ws: Router, deps: { render: (res: Response, page: Page) => void; words: (res: Response) => { tw: Tw; ui: string } }): void {
  ws.get("/code-picker.js", (_req, res) => {
    res.set("Cache-Control", "private, max-age=3600");
    res.type("text/javascript; charset=utf-8").send(script);
  });

  ws.get("/codes/:list.json", (req, res) => {
    const list = String(req.params.list);
    if (!Object.hasOwn(LISTS, list)) return res.status(404).json({ error: "unknown code list" });
    res.set("Cache-Control", "private, max-age=3600");
    res.json({ codes: searchCodes(list as ListName, String(req.query.q ?? ""), deps.words(res).ui) });
  });

  ws.get("/codes/:list", (req, res) => {
    const list = String(req.params.list);
    const { tw, ui } = deps.words(res);
    if (!Object.hasOwn(LISTS, list)) return deps.render(res, { status: 404, title: tw("Not found"), body: html`<h1>${tw("Not found")}</h1><p>${tw("There is no such code list.")} <a href="/workspace/codes/cpv">${tw("Find a CPV code")}</a> · <a href="/workspace/codes/nuts">${tw("Find a NUTS region")}</a></p>` });
    const q = typeof req.query.q === "string" ? req.query.q.slice(0, 100) : "";
    const found = q ? searchCodes(list as ListName, q, ui, 100) : [];
    deps.render(res, { status: 200, title: list === "cpv" ? tw("Find a CPV code") : tw("Find a NUTS region"), body: finderBody(list as ListName, q, found, tw) });
  });
}

function finderBody(list: ListName, q: string, found: { code: string; label: string }[], tw: Tw): SafeHtml {
  return html`<h1>${list === "cpv" ? tw("Find a CPV code") : tw("Find a NUTS region")}</h1>
<p>${list === "cpv"
    ? tw("Search the CPV (Common Procurement Vocabulary) by words of the label, in any order, or by the start of the code (72 finds every IT service). Copy the code into the challenge form.")
    : tw("Search the NUTS regions by words of the name, in any order, or by the start of the code (FR1 finds the regions of Île-de-France). Copy the code into the form.")}</p>
<form method="get" action="/workspace/codes/${list}" class="stack" role="search">
<div class="field"><label for="f-q">${tw("Words or code")}</label><input id="f-q" name="q" type="search" value="${q}"></div>
<div class="actions"><button type="submit">${tw("Search")}</button></div>
</form>
${q ? html`<h2 aria-live="polite">${found.length === 100 ? tw("The first 100 codes for “{{q}}”", { q }) : tw("Codes found for “{{q}}”: {{count}}", { q, count: found.length })}</h2>
${found.length ? html`<div class="table-scroll"><table class="workspace-table"><thead><tr><th scope="col">${tw("Code")}</th><th scope="col">${tw("Label")}</th></tr></thead>
<tbody>${found.map((c) => html`<tr><td><code>${c.code}</code></td><td>${c.label}</td></tr>`)}</tbody></table></div>` : html`<p>${tw("Nothing found. Try a broader word, or fewer letters of the code.")}</p>`}` : ""}`;
}
