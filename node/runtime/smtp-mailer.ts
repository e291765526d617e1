// Mail over SMTP with nodemailer (the maintained standard for Node): smtps:// for implicit TLS,
// smtp:// with STARTTLS when the server offers it. Timeouts are short: a stuck relay must not hold a
// workspace request for minutes. nodemailer is loaded only when SMTP is configured (≈ 2 MiB of heap).
import type * as Nodemailer from "nodemailer";
import type { Mailer } from "../domain/accounts/mail";

export function smtpMailer(url: string, from: string): Mailer {
  const nodemailer = require("nodemailer") as typeof Nodemailer;
  const transport = nodemailer.createTransport(url, { from });
  // nodemailer reads these from the options object; the URL form cannot carry them.
  Object.assign(transport.options, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
  };
}
