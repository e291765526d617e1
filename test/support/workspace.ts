// A signed-in workspace browser for tests: the account comes from `ipn user invite` (the real CLI on
// the node's store), the password from the invitation link, the cookies from /login — as for a person.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { Parser } from "htmlparser2";
import request from "supertest";
import { ADMIN_TOKEN, type TestNode } from "./node";

const CLI = path.resolve(__dirname, "../../node/bin/ipn.cjs");
export const TEST_PASSWORD = "plum orbit kettle saffron";

export type Browser = ReturnType<typeof request.agent>;

export const csrfOf = (text: string) => /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? "";

/** Runs `ipn …` on the node's store, as an operator on the server would. */
export function ipnCli(node: TestNode, ...args: string[]): string {
  return execFileSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, IPN_DATA_DIR: node.dataDir, IPN_ADMIN_TOKEN: ADMIN_TOKEN, IPN_COUNTRY: "DE", IPN_ALLOW_PRIVATE_NETWORK: "true", IPN_LOG_LEVEL: "error" },
  });
}

/** Invites `email` with the CLI, accepts the link, signs in; returns the browser with its cookies. */
export async function signedInPerson(node: TestNode, email: string, role: "admin" | "editor", hub?: string): Promise<Browser> {
  const out = ipnCli(node, "user", "invite", "--email", email, "--role", role, ...(hub ? ["--hub", hub] : []));
  const link = new URL(out.trim().split("\n").pop()!).pathname;
  const accepted = await request(node.listenUrl).post(link).type("form").send({ displayName: email.split("@")[0], password: TEST_PASSWORD });
  if (accepted.status !== 200) throw new Error(`invitation for ${email} not accepted: ${accepted.status}`);
  const agent = request.agent(node.listenUrl);
  const form = await agent.get("/login");
  const signed = await agent.post("/login").type("form").send({ _csrf: csrfOf(form.text), email, password: TEST_PASSWORD });
  if (signed.status !== 303) throw new Error(`sign-in of ${email} failed: ${signed.status}`);
  return agent;
}

export type FormValues = Record<string, string | string[]>;

/**
 * What a browser posts for the page's form with `action` (the first form otherwise): every named
 * input with its value (checkboxes only when checked), the selected option of each select (else the
 * first), every textarea — no button (the test names the one it presses).
 */
export function formValues(page: string, action?: string): FormValues {
  const values: FormValues = {};
  const add = (name: string, value: string) => {
    const before = values[name];
    values[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  };
  let inForm = false;
  let done = false;
  let select: { name: string; first?: string; chosen?: string } | null = null;
  let option: { value?: string; selected: boolean; text: string } | null = null;
  let textarea: { name: string; text: string } | null = null;
  const parser = new Parser({
    onopentag(tag, a) {
      if (done) return;
      if (tag === "form") inForm = action === undefined || a.action === action;
      if (!inForm) return;
      if (tag === "input" && a.name && !["submit", "button", "image", "reset"].includes(a.type ?? "")) {
        if ((a.type === "checkbox" || a.type === "radio") && a.checked === undefined) return;
        add(a.name, a.value ?? (a.type === "checkbox" ? "on" : ""));
      } else if (tag === "select" && a.name) select = { name: a.name };
      else if (tag === "option" && select) option = { value: a.value, selected: a.selected !== undefined, text: "" };
      else if (tag === "textarea" && a.name) textarea = { name: a.name, text: "" };
    },
    ontext(text) {
      if (option) option.text += text;
      if (textarea) textarea.text += text;
    },
    onclosetag(tag) {
      if (!inForm || done) return;
      if (tag === "option" && option && select) {
        const v = option.value ?? option.text;
        select.first ??= v;
        if (option.selected) select.chosen = v;
        option = null;
      } else if (tag === "select" && select) {
        const v = select.chosen ?? select.first;
        if (v !== undefined) add(select.name, v);
        select = null;
      } else if (tag === "textarea" && textarea) {
        // A browser drops the one newline that may follow <textarea>, and decodes character references
        // in it (htmlparser2 leaves them in this raw-text element).
        add(textarea.name, decodeReferences(textarea.text.replace(/^\n/, "")));
        textarea = null;
      } else if (tag === "form") {
        inForm = false;
        done = true;
      }
    },
  }, { decodeEntities: true });
  parser.end(page);
  return values;
}

function decodeReferences(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (_m, ref: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (ref.startsWith("#")) return String.fromCodePoint(ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)));
    return named[ref.toLowerCase()]!;
  });
}
