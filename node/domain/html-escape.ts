// Escaping plain text for HTML: the one implementation the pages (node/http/pages) and the
// federated Note content (federation/) share. Text from challenge and hub documents is written by hub
// editors and peers; it is escaped before it becomes part of any HTML we send or serve.
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

const SPECIAL = /[&<>"']/;

export function escapeHtml(text: string): string {
  // Most texts (labels, titles, dates) hold none of the five: a test is cheaper than a replace that
  // calls back per match (a listing page escapes a few thousand strings).
  return SPECIAL.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}
