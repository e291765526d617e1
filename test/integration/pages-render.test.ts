// The rendering primitives the pages rely on for safety: the escaping template and the
// Markdown pipeline (markdown-it without HTML, then an allowlist sanitizer).
import { html, safeHttpUrl } from "../../node/http/pages/html";
import { renderMarkdown } from "../../node/http/pages/markdown";
import { displayDateTime, formatMoney } from "../../node/http/pages/format";

test("interpolations are escaped unless they are html fragments", () => {
  const evil = `"><script>alert('x')</script>&`;
  const out = html`<p title="${evil}">${evil}${html`<em>${evil}</em>`}${[evil, html`<br>`]}${null}${undefined}${false}</p>`.value;
  expect(out).not.toContain("<script>");
  expect(out).toBe(
    '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;' +
    "<em>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</em>&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;<br></p>",
  );
});

test("only absolute http(s) URLs are accepted for links", () => {
  expect(safeHttpUrl("https://example.org/a?b=c")).toBe("https://example.org/a?b=c");
  expect(safeHttpUrl("http://example.org")).toBe("http://example.org/");
  for (const bad of ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil.example", "/relative", "mailto:a@b.c", "", 42]) {
    expect(safeHttpUrl(bad)).toBeNull();
  }
});

test("Markdown keeps structure and safe links, and loses scripts, handlers, images and styles", () => {
  const out = renderMarkdown([
    "# Title", "## Section", "Text with **bold**, _em_ and `code`.", "",
    "- one", "- two", "",
    "[ok](https://example.org) [bad](javascript:alert(1)) <javascript:alert(2)> [data](data:text/html;base64,PHNjcmlwdD4=)",
    "", "<script>alert(3)</script>", "", '<a href="javascript:alert(4)">raw</a> <img src=x onerror=alert(5)>',
    "", "![pic](https://example.org/p.png)", "", "| a | b |", "|:-|-:|", "| 1 | 2 |",
    "", "[ref][r]", "", "[r]: vbscript:msgbox(1)",
  ].join("\n")).value;
  expect(out).toContain("<h3>Title</h3>");
  expect(out).toContain("<h3>Section</h3>");
  expect(out).toContain("<strong>bold</strong>");
  expect(out).toContain("<li>one</li>");
  expect(out).toContain('<a href="https://example.org" rel="nofollow noopener noreferrer ugc">ok</a>');
  expect(out).not.toMatch(/<a [^>]*(javascript|data|vbscript):/i);
  expect(out).not.toMatch(/<script|<img|<h1|<h2|\sstyle=|<[^>]*\son[a-z]+=/i);
  expect(out).toContain("&lt;script&gt;");
  expect(out).toContain("<table>");
});

test("date-times are shown as published and in UTC; money exactly, with its currency", () => {
  expect(displayDateTime("2027-01-29T12:00:00+01:00")).toEqual({ local: "2027-01-29 12:00 UTC+01:00", utc: "2027-01-29 11:00 UTC", iso: "2027-01-29T12:00:00+01:00" });
  expect(displayDateTime("2027-01-29T12:00:00Z")?.local).toBe("2027-01-29 12:00 UTC");
  expect(displayDateTime("not a date")).toBeNull();
  expect(formatMoney({ amount: "120000.00", currency: "EUR" })).toBe("€120,000.00");
  expect(formatMoney({ amount: "9007199254740993.01", currency: "EUR" })).toBe("€9,007,199,254,740,993.01");
  expect(formatMoney({ amount: "1500000", currency: "ISK" })).toMatch(/^ISK\s1,500,000$/);
});
