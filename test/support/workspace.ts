// A signed-in workspace browser for tests: the account comes from `ipn user invite` (the real CLI on
// the node's store), the password from the invitation link, the cookies from /login — as for a person.
import { execFileSync } from "node:child_process";
import path from "node:path";
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
