// The logging set-up routes Fedify's records with ours, minus Fedify's warning about the deliberate
// shape of node-level actors (shared inbox as inbox, no outbox), which would repeat on every fetch.
import { getLogger, reset, type LogRecord } from "@logtape/logtape";
import { configureLogging } from "../../node/ops/logging";

afterEach(async () => { await reset(); });

it("keeps Fedify's warnings except the node-actor shape ones", async () => {
  const seen: LogRecord[] = [];
  await configureLogging("info", { sink: (r) => { seen.push(r); } });
  const actorLog = getLogger(["fedify", "federation", "actor"]);
  actorLog.warn("You configured an outbox collection dispatcher, but the actor does not have an outbox property.  Set the property with Context.getOutboxUri(identifier).");
  actorLog.warn("You configured inbox listeners, but the actor's inbox property does not match the inbox URI.  Set the property with Context.getInboxUri(identifier).");
  actorLog.warn("Actor dispatcher returned an actor with a mismatching id.");
  getLogger(["fedify", "sig"]).warn("Failed to verify the signature.");
  getLogger(["ipn", "node"]).info("started");
  const messages = seen.map((r) => r.message.join(""));
  expect(messages).toEqual(["Actor dispatcher returned an actor with a mismatching id.", "Failed to verify the signature.", "started"]);
});
