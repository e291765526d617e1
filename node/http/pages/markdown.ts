// CommonMark (the description-type fields) → HTML for our pages. markdown-it runs with raw HTML
// off and its own link validation, then sanitize-html enforces a strict allowlist: either alone
// would keep hostile documents from peers out; both together survive a bug in one of them.
import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";
import { type SafeHtml, trustedHtml } from "./html";

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

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
