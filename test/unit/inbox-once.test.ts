// One copy of an activity runs at a time (federation/inbox/once.ts), on the store's real KV.
import { Follow } from "@fedify/vocab";
import { ActivityInProgress, onlyOnce } from "../../federation/inbox/once";
import { createSqliteStore } from "../../node/storage/sqlite";
import type { Store } from "../../node/storage/store";

let store: Store;
beforeEach(() => { store = createSqliteStore(":memory:"); });
afterEach(async () => { await store.close(); });

const follow = () => new Follow({ id: new URL(`https://a.example/follows/${crypto.randomUUID()}`), actor: new URL("https://a.example/users/a"), object: new URL("https://de.example/hubs/h") });

it("fails a copy that arrives while another runs, so that Fedify retries it later", async () => {
  const activity = follow();
  let release!: () => void;
  const first = onlyOnce(store.kv, activity, () => new Promise<void>((r) => { release = r; }));
  await new Promise((r) => setTimeout(r, 10));
  await expect(onlyOnce(store.kv, activity, async () => { throw new Error("must not run"); })).rejects.toBeInstanceOf(ActivityInProgress);
  release();
  await first;
});

it("releases the claim when the listener fails, so the retry does the work", async () => {
  const activity = follow();
  await expect(onlyOnce(store.kv, activity, async () => { throw new Error("transient"); })).rejects.toThrow("transient");
  let ran = 0;
  await onlyOnce(store.kv, activity, async () => { ran++; });
  expect(ran).toBe(1);
});

it("lets different activities run side by side", async () => {
  let ran = 0;
  await Promise.all([follow(), follow(), follow()].map((a) => onlyOnce(store.kv, a, async () => { ran++; })));
  expect(ran).toBe(3);
});
