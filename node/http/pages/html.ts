// The one way pages build HTML: a tagged template that escapes every interpolation unless it is
// already SafeHtml. Raw strings can only become SafeHtml through `trustedHtml`, used solely for
// sanitizer output, so forgetting to escape is not possible by accident.

import { escapeHtml } from "../../domain/html-escape";

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string { return this.value; }
}

export type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

export { escapeHtml };

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false || value === true) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\`` — text is escaped; nested html`` fragments and arrays of them are kept. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/** Marks sanitizer output as safe. Never pass user input here directly. */
export function trustedHtml(sanitized: string): SafeHtml {
  return new SafeHtml(sanitized);
}

/**
 * The URL if it is an absolute http(s) URL, else null: javascript:, data:, relative and malformed
 * values never reach an href or src.
 */
export function safeHttpUrl(value: unknown): string | null {
  if (typeof value !== "string" || !URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
}

const EMAIL_RE = /^[^\s@<>"'(),;:\\]+@[^\s@<>"'(),;:\\]+\.[^\s@<>"'(),;:\\]+$/;

/** A mailto: href for a plausible address, else null (the address is then shown as text only). */
export function mailtoHref(email: unknown): string | null {
  return typeof email === "string" && email.length <= 254 && EMAIL_RE.test(email) ? `mailto:${email}` : null;
}

/** A link when the URL is safe, plain text otherwise. */
export function linkOrText(url: unknown, text: Interpolation, attrs: { rel?: string } = {}): SafeHtml {
  const href = safeHttpUrl(url);
  if (!href) return html`${text}`;
  return attrs.rel ? html`<a href="${href}" rel="${attrs.rel}">${text}</a>` : html`<a href="${href}">${text}</a>`;
}
