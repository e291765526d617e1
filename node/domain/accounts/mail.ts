// Mailing one-time links when the operator configured SMTP (IPN_SMTP_URL). A link is always shown to
// whoever created it as well; mail is a convenience, so a mail that cannot be sent never undoes the link.

export interface MailMessage { to: string; subject: string; text: string }

/** Sending is an adapter (nodemailer in node/runtime/smtp-mailer.ts). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface LinkMail { kind: "invite" | "reset"; to: string; url: string; expiresAt: string; nodeName: string; role?: string }

export function linkMessage(m: LinkMail): MailMessage {
  const until = `${m.expiresAt.slice(0, 16).replace("T", " ")} UTC`;
  if (m.kind === "invite") {
    return {
      to: m.to,
      subject: `Your invitation to the ${m.nodeName} workspace`,
      text: [
        `You are invited to publish innovation challenges on ${m.nodeName} (Innovation Procurement Network) as ${m.role ?? "a hub editor"}.`,
        "",
        "Open this link to choose your password and create your account. It works once, until " + until + ":",
        m.url,
        "",
        "If you did not expect this invitation, ignore this message; no account is created without the link.",
      ].join("\n"),
    };
  }
  return {
    to: m.to,
    subject: `Choose a new password for ${m.nodeName}`,
    text: [
      `An administrator of ${m.nodeName} issued a link for you to choose a new password.`,
      "",
      "It works once, until " + until + ", and signs your account out everywhere:",
      m.url,
      "",
      "If you did not ask for this, tell your administrator.",
    ].join("\n"),
  };
}
