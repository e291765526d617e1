// Strict readers for the two HTTP signature headers an inbox accepts. Fedify's own parsers are
// lenient on purpose (a duplicated parameter silently wins, a header it cannot parse counts as "no
// signature", an unparsable Date throws a RangeError that surfaces as a 500); the inbound gate reads
// the headers with these first and refuses what is ambiguous or malformed before Fedify sees it.
// Pure functions: no I/O, nothing from Fedify.

export class SignatureHeaderError extends Error {
  override readonly name = "SignatureHeaderError";
}

/** draft-cavage-http-signatures-12 `Signature` header. */
export interface CavageSignature {
  keyId: string;
  algorithm?: string;
  /** Lower-cased names of the signed headers, in order. */
  headers: string[];
  signature: string;
  created?: string;
  expires?: string;
}

/** One entry of an RFC 9421 `Signature-Input` dictionary. */
export interface Rfc9421Input {
  label: string;
  /** Covered component identifiers, e.g. "@method", "content-digest". */
  components: string[];
  params: Record<string, string | number>;
}

/** Either alphabet (base64 or base64url), padding only at the end. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** True for a non-empty, well-formed base64 (or base64url) string. Tested as it is, without a copy:
 * every inbox POST has its signature and digest checked here. */
export function isBase64(value: string): boolean {
  return value.length > 0 && BASE64.test(value) && (value.endsWith("=") ? value.length % 4 === 0 : value.length % 4 !== 1);
}

/**
 * Splits on `sep` outside double-quoted strings (backslash escapes honoured inside them). Slices
 * between separators rather than building each part a character at a time: every inbox POST reads
 * its ~500-character Signature header (once, in the gate; the fast path takes what the gate read).
 */
function splitOutsideQuotes(input: string, sep: string): string[] {
  const BACKSLASH = 92;
  const QUOTE = 34;
  const SEP = sep.charCodeAt(0);
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (quoted) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE) quoted = true;
    else if (c === SEP) {
      parts.push(input.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) throw new SignatureHeaderError("unterminated quoted string");
  parts.push(input.slice(start));
  return parts;
}

function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) return raw.slice(1, -1).replace(/\\(.)/g, "$1");
  return raw;
}

const CAVAGE_PARAMS = new Set(["keyid", "algorithm", "headers", "signature", "created", "expires"]);

export function parseCavageSignature(header: string): CavageSignature {
  const values = new Map<string, string>();
  for (const part of splitOutsideQuotes(header, ",")) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new SignatureHeaderError(`malformed Signature parameter "${trimmed.slice(0, 40)}"`);
    const name = trimmed.slice(0, eq).trim().toLowerCase();
    const value = unquote(trimmed.slice(eq + 1).trim());
    if (!CAVAGE_PARAMS.has(name)) continue; // unknown parameters are ignored, as the draft says
    if (values.has(name)) throw new SignatureHeaderError(`duplicate Signature parameter "${name}"`);
    values.set(name, value);
  }
  const keyId = values.get("keyid");
  const signature = values.get("signature");
  const headers = values.get("headers");
  if (!keyId) throw new SignatureHeaderError("Signature has no keyId");
  if (!signature || !isBase64(signature)) throw new SignatureHeaderError("Signature has no valid base64 signature");
  if (!headers) throw new SignatureHeaderError("Signature does not list the signed headers");
  for (const n of ["created", "expires"] as const) {
    const v = values.get(n);
    if (v !== undefined && !/^\d{1,12}$/.test(v)) throw new SignatureHeaderError(`Signature ${n} is not a timestamp`);
  }
  return {
    keyId,
    algorithm: values.get("algorithm"),
    headers: headers.trim().toLowerCase().split(/\s+/),
    signature,
    created: values.get("created"),
    expires: values.get("expires"),
  };
}

/** Dictionary members "label=value" of a structured field, labels checked for duplicates. */
function dictionaryMembers(header: string, what: string): [string, string][] {
  const members: [string, string][] = [];
  const seen = new Set<string>();
  for (const part of splitOutsideQuotes(header, ",")) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new SignatureHeaderError(`malformed ${what} member`);
    const label = trimmed.slice(0, eq).trim();
    if (!/^[a-z*][a-z0-9_\-.*]*$/.test(label)) throw new SignatureHeaderError(`malformed ${what} label "${label.slice(0, 40)}"`);
    if (seen.has(label)) throw new SignatureHeaderError(`duplicate ${what} label "${label}"`);
    seen.add(label);
    members.push([label, trimmed.slice(eq + 1).trim()]);
  }
  if (members.length === 0) throw new SignatureHeaderError(`empty ${what}`);
  return members;
}

export function parseRfc9421Inputs(header: string): Rfc9421Input[] {
  return dictionaryMembers(header, "Signature-Input").map(([label, value]) => {
    const m = /^\(([^)]*)\)(.*)$/.exec(value);
    if (!m) throw new SignatureHeaderError(`Signature-Input ${label} is not an inner list`);
    const components: string[] = [];
    for (const item of m[1]!.trim().split(/\s+/).filter(Boolean)) {
      // A component may carry parameters ("@query-param";name="x"); the identifier is the string.
      const id = /^"([^"]*)"/.exec(item)?.[1];
      if (id === undefined) throw new SignatureHeaderError(`Signature-Input ${label} has a malformed component`);
      components.push(id.toLowerCase());
    }
    const params: Record<string, string | number> = {};
    for (const p of splitOutsideQuotes(m[2]!, ";").map((x) => x.trim()).filter(Boolean)) {
      const eq = p.indexOf("=");
      const name = (eq < 0 ? p : p.slice(0, eq)).trim();
      if (name in params) throw new SignatureHeaderError(`duplicate parameter "${name}" in Signature-Input ${label}`);
      const raw = eq < 0 ? "" : p.slice(eq + 1).trim();
      if (/^-?\d+$/.test(raw)) params[name] = Number(raw);
      else if (raw.startsWith("\"")) params[name] = unquote(raw);
      else params[name] = raw;
    }
    if (typeof params.keyid !== "string" || params.keyid === "") throw new SignatureHeaderError(`Signature-Input ${label} has no keyid`);
    if (typeof params.created !== "number") throw new SignatureHeaderError(`Signature-Input ${label} has no created timestamp`);
    return { label, components, params };
  });
}

/** RFC 9421 `Signature` dictionary: label → byte sequence (":base64:"). */
export function parseRfc9421Signatures(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [label, value] of dictionaryMembers(header, "Signature")) {
    const m = /^:([^:]*):$/.exec(value);
    if (!m || !isBase64(m[1]!)) throw new SignatureHeaderError(`Signature ${label} is not a base64 byte sequence`);
    out.set(label, m[1]!);
  }
  return out;
}

/** `Digest: SHA-256=…` (RFC 3230) → algorithm (lower case) → base64 value; duplicates refused. */
export function parseDigest(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of header.split(",")) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new SignatureHeaderError("malformed Digest");
    const algo = trimmed.slice(0, eq).trim().toLowerCase();
    const value = trimmed.slice(eq + 1).trim();
    if (out.has(algo)) throw new SignatureHeaderError(`duplicate Digest algorithm "${algo}"`);
    if (!isBase64(value)) throw new SignatureHeaderError(`Digest ${algo} is not base64`);
    out.set(algo, value);
  }
  return out;
}

/** `Content-Digest: sha-256=:…:` (RFC 9530) → algorithm → base64 value; duplicates refused. */
export function parseContentDigest(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [algo, value] of dictionaryMembers(header, "Content-Digest")) {
    const m = /^:([^:]*):$/.exec(value);
    if (!m || !isBase64(m[1]!)) throw new SignatureHeaderError(`Content-Digest ${algo} is not a base64 byte sequence`);
    out.set(algo.toLowerCase(), m[1]!);
  }
  return out;
}
