// Text from challenge and hub documents is plain text written by hub editors: it is escaped before it
// becomes part of any HTML we send (Mastodon sanitises too, but other servers may not).
import { escapeHtml } from "../node/domain/html-escape";

export { escapeHtml };

/** Only http(s) links become anchors; anything else (javascript:, data:) would be unsafe or stripped. */
export function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

export function anchor(href: string, text: string, attrs = ""): string {
  if (!isWebUrl(href)) return escapeHtml(text);
  return `<a href="${escapeHtml(href)}"${attrs ? " " + attrs : ""}>${escapeHtml(text)}</a>`;
}
