// The code finder of the workspace: CPV and NUTS codes by words of their labels or the start of the
// code. A page (works without JavaScript, opened beside the editor) and JSON for the editor's
// suggestion lists (static/code-picker.js, the one script of the workspace).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Response, Router } from "express";
import { searchCodes } from "../../domain/code-search";
import { html, type SafeHtml } from "../pages/html";
import type { Page } from "./auth-pages";

const LISTS = { cpv: "CPV (Common Procurement Vocabulary)", nuts: "NUTS regions" } as const;
type ListName = keyof typeof LISTS;
const script = readFileSync(path.join(__dirname, "..", "static", "code-picker.js"), "utf8");

export function codeFinderRoutes(ws: Router, deps: { render: (res: Response, page: Page) => void }): void {
  ws.get("/code-picker.js", (_req, res) => {
    res.set("Cache-Control", "private, max-age=3600");
    res.type("text/javascript; charset=utf-8").send(script);
  });

  ws.get("/codes/:list.json", (req, res) => {
    const list = String(req.params.list);
    if (!Object.hasOwn(LISTS, list)) return res.status(404).json({ error: "unknown code list" });
    res.set("Cache-Control", "private, max-age=3600");
    res.json({ codes: searchCodes(list as ListName, String(req.query.q ?? ""), "en") });
  });

  ws.get("/codes/:list", (req, res) => {
    const list = String(req.params.list);
    if (!Object.hasOwn(LISTS, list)) return deps.render(res, { status: 404, title: "Not found", body: html`<h1>Not found</h1><p>There is no such code list. <a href="/workspace/codes/cpv">Find a CPV code</a> or <a href="/workspace/codes/nuts">a NUTS region</a>.</p>` });
    const q = typeof req.query.q === "string" ? req.query.q.slice(0, 100) : "";
    const found = q ? searchCodes(list as ListName, q, "en", 100) : [];
    deps.render(res, { status: 200, title: `Find a ${list.toUpperCase()} code`, body: finderBody(list as ListName, q, found) });
  });
}

function finderBody(list: ListName, q: string, found: { code: string; label: string }[]): SafeHtml {
  return html`<h1>Find a ${list === "cpv" ? "CPV code" : "NUTS region"}</h1>
<p>Search the ${LISTS[list]} by words of the label, in any order, or by the start of the code${list === "cpv" ? " (72 finds every IT service)" : " (FR1 finds the regions of Île-de-France)"}. Copy the code into the challenge form.</p>
<form method="get" action="/workspace/codes/${list}" class="stack" role="search">
<div class="field"><label for="f-q">Words or code</label><input id="f-q" name="q" type="search" value="${q}"></div>
<div class="actions"><button type="submit">Search</button></div>
</form>
${q ? html`<h2 aria-live="polite">${found.length === 100 ? "The first 100 codes" : `${found.length} code${found.length === 1 ? "" : "s"}`} for “${q}”</h2>
${found.length ? html`<table class="workspace-table"><thead><tr><th scope="col">Code</th><th scope="col">Label</th></tr></thead>
<tbody>${found.map((c) => html`<tr><td><code>${c.code}</code></td><td>${c.label}</td></tr>`)}</tbody></table>` : html`<p>Nothing found. Try a broader word, or fewer letters of the code.</p>`}` : ""}`;
}
