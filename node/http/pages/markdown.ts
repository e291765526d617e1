// CommonMark (the description-type fields) → HTML for our pages. markdown-it runs with raw HTML
// off and its own link validation, then sanitize-html enforces a strict allowlist: either alone
// would keep hostile documents from peers out; both together survive a bug in one of them.
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";
import { type SafeHtml, trustedHtml } from "./html";

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

/** The host a link's visible text names, e.g. "https://bank.example/login" or "www.bank.example" → "bank.example". */
export function hostNamedBy(text: string): string | null {
  const m = /^\s*(?:[a-z][a-z0-9+.-]*:\/\/)?([^\s/?#:@]+\.[^\s/?#:@]+)(?::\d+)?(?:[/?#]\S*)?\s*$/iu.exec(text);
  if (!m) return null;
  try {
    return new URL(`http://${m[1]}`).hostname.replace(/^www\./, "");
  } catch {
    return null;
  }
}

function hostOf(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.hostname.replace(/^www\./, "") : null;
  } catch {
    return null;
  }
}

// A link whose visible text looks like an address must not hide a different one: after
// [https://bank.example](https://evil.example) the reader sees "(evil.example)", the real destination.
md.core.ruler.push("honest_links", (state) => {
  for (const block of state.tokens) {
    const children = block.children;
    if (block.type !== "inline" || !children) continue;
    for (let i = 0; i < children.length; i++) {
      if (children[i]!.type !== "link_open") continue;
      const destination = hostOf(String(children[i]!.attrGet("href") ?? ""));
      let j = i + 1;
      let text = "";
      for (; j < children.length && children[j]!.type !== "link_close"; j++) text += children[j]!.content;
      const named = hostNamedBy(text);
      if (j < children.length && destination && named && named !== destination) {
        const note = new state.Token("text", "", 0);
        note.content = ` (${destination})`;
        children.splice(j + 1, 0, note);
      }
      i = j;
    }
  }
});

// The page already uses h1 (title) and h2 (section); document headings nest below them.
const HEADING_SHIFT: Record<string, string> = { h1: "h3", h2: "h3", h3: "h4", h4: "h5", h5: "h6", h6: "h6" };

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del", "s",
  ],
  allowedAttributes: { a: ["href", "title", "rel"], ol: ["start"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    ...Object.fromEntries(Object.entries(HEADING_SHIFT).map(([from, to]) => [from, to])),
    a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener noreferrer ugc" }),
  },
};

export function renderMarkdown(source: string): SafeHtml {
  return trustedHtml(sanitizeHtml(md.render(source), SANITIZE));
}

/** HTML we generated for the fediverse (a Note's content), shown on a page through the same allowlist. */
export function sanitizedHtml(source: string): SafeHtml {
  return trustedHtml(sanitizeHtml(source, { ...SANITIZE, allowedTags: [...(SANITIZE.allowedTags as string[]), "span"] }));
}
