// Escaping plain text for HTML: the one implementation the pages (node/http/pages) and the
// federated Note content (federation/) share. Text from challenge and hub documents is written by hub
// editors and peers; it is escaped before it becomes part of any HTML we send or serve.
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
