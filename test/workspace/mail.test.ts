// Invitation and reset links by mail, against a real SMTP server in the test (smtp-server): the mail
// reaches the invited address from the configured sender, its link is the one shown and it works; a
// mail server that refuses the message leaves the link shown and usable, and says so.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import request from "supertest";
import { hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";
import { type Browser, csrfOf, signedInPerson } from "../support/workspace";

interface Received { from: string; to: string[]; data: string }

let smtp: SMTPServer;
let node: TestNode;
let admin: Browser;
const inbox: Received[] = [];
const refuse = new Set<string>();

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      let data = "";
      stream.on("data", (chunk: Buffer) => { data += chunk.toString("utf8"); });
      stream.on("end", () => {
        inbox.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  node = await startTestNode({ IPN_SMTP_URL: `smtp://127.0.0.1:${port}`, IPN_MAIL_FROM: "IPN Test <no-reply@ipn.test>", IPN_NODE_NAME: "IPN Deutschland" });
  await request(node.listenUrl).post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("hub_mail"));
  admin = await signedInPerson(node, "admin@mail.example", "admin");
}, 60_000);
afterAll(async () => {
  await node.stop();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** The body of a quoted-printable text mail, decoded (soft line breaks and =XX escapes). */
const bodyOf = (data: string) => data.split(/\r?\n\r?\n/).slice(1).join("\n\n").replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

it("mails an invitation from the configured sender, with the link that is shown", async () => {
  const page = await admin.get("/workspace/users");
  const res = await admin.post("/workspace/users/invitations").type("form").send({ _csrf: csrfOf(page.text), email: "Editor@Mail.example", role: "editor", hubs: "hub_mail" });
  expect(res.status).toBe(200);
  expect(res.text).toContain("It was also emailed to <strong>editor@mail.example</strong>");
  const shown = /value="(http[^"]+\/invitations\/[A-Za-z0-9_-]{43})"/.exec(res.text)![1]!;
  const mail = inbox.find((m) => m.to.includes("editor@mail.example"))!;
  expect(mail.from).toBe("no-reply@ipn.test");
  expect(mail.data).toMatch(/^Subject: Your invitation to the IPN Deutschland workspace$/m);
  expect(mail.data).toMatch(/^From: IPN Test <no-reply@ipn\.test>$/m);
  const body = bodyOf(mail.data);
  expect(body).toContain("as an editor of @hub_mail");
  expect(body).toContain(shown);
  const accepted = await request(node.listenUrl).post(new URL(shown).pathname).type("form").send({ displayName: "Edith", password: "a long and quiet harbour" });
  expect(accepted.status).toBe(200);
});

it("mails a password reset link", async () => {
  const page = await admin.get("/workspace/users");
  const row = page.text.split("<tr>").find((r) => r.includes("editor@mail.example"))!;
  const action = /action="(\/workspace\/users\/[0-9a-f-]+\/reset-link)"/.exec(row)![1]!;
  const res = await admin.post(action).type("form").send({ _csrf: csrfOf(page.text) });
  expect(res.text).toContain("It was also emailed");
  const mail = inbox.filter((m) => m.to.includes("editor@mail.example")).at(-1)!;
  expect(mail.data).toMatch(/^Subject: Choose a new password for IPN Deutschland$/m);
  expect(bodyOf(mail.data)).toContain(/value="(http[^"]+)"/.exec(res.text)![1]!);
});

it("still shows a working link when the mail server refuses the message, and says so", async () => {
  refuse.add("bounce@mail.example");
  const page = await admin.get("/workspace/users");
  const res = await admin.post("/workspace/users/invitations").type("form").send({ _csrf: csrfOf(page.text), email: "bounce@mail.example", role: "admin" });
  expect(res.status).toBe(200);
  expect(res.text).toContain("It could not be emailed");
  const shown = /value="(http[^"]+\/invitations\/[A-Za-z0-9_-]{43})"/.exec(res.text)![1]!;
  expect((await request(node.listenUrl).get(new URL(shown).pathname)).status).toBe(200);
  expect(inbox.some((m) => m.to.includes("bounce@mail.example"))).toBe(false);
});
