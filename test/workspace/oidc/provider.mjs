// A real OpenID Connect provider for the single sign-on test (oidc-provider, the certified Node
// implementation), in its own process because it is an ES module with its own web framework.
// Usage: node provider.mjs <redirect_uri> <client_secret> — prints its issuer URL when it listens.
// Accounts are keyed by the login name typed into its development login form.
import net from "node:net";
import Provider from "oidc-provider";

const [redirectUri, clientSecret] = process.argv.slice(2);
const ACCOUNTS = {
  officer: { email: "officer@authority.example", email_verified: true, name: "Olga Officer" },
  newcomer: { email: "newcomer@authority.example", email_verified: true, name: "Nina Newcomer" },
  stranger: { email: "stranger@elsewhere.example", email_verified: true, name: "Sam Stranger" },
  unverified: { email: "officer@authority.example", email_verified: false, name: "Not Verified" },
};

// The issuer URL carries the port, so take a free one first.
const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, "127.0.0.1", () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{ client_id: "ipn-node", client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"] }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  cookies: { keys: ["test-only-cookie-key-0123456789"] },
  features: { devInteractions: { enabled: true } },
  findAccount: async (_ctx, id) => (ACCOUNTS[id] ? { accountId: id, claims: async () => ({ sub: id, ...ACCOUNTS[id] }) } : undefined),
  pkce: { required: () => true },
});

provider.listen(port, "127.0.0.1", () => process.stdout.write(`${issuer}\n`));
