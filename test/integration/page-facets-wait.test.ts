// The listing page does not make a reader wait for the counts beside its choices ("Germany (1)"):
// when counting takes longer than IPN_PAGE_FACETS_WAIT_MS (a search or a rare combination, the first
// time, over a large store), the page is sent without them — whole otherwise — and the counting goes
// on; the next request shows them. The API still answers its `facets` exactly. Counting is held back
// here by a gate in front of the real store's facetCounts, so nothing depends on the machine's speed.
import request from "supertest";
import type { FacetCounts, ListingFacet, ListingQuery } from "../../node/domain/ports";
import { challengeInput, hubInput } from "../support/documents";
import { ADMIN_TOKEN, startTestNode, type TestNode } from "../support/node";

let node: TestNode;
let realCounts: TestNode["store"]["challenges"]["facetCounts"];
let release: () => void = () => undefined;
/** Every count asked for since the gate was set, in order: each settles once the gate opens. */
let asked: Promise<FacetCounts>[] = [];

function holdCounts(): void {
  release(); // an earlier gate, if a test ended before opening it
  const gate = new Promise<void>((resolve) => { release = resolve; });
  asked = [];
  node.store.challenges.facetCounts = (query: ListingQuery, facets: readonly ListingFacet[]) => {
    const counted = gate.then(() => realCounts(query, facets));
    asked.push(counted);
    return counted;
  };
}

beforeAll(async () => {
  node = await startTestNode({ IPN_PAGE_FACETS_WAIT_MS: "100" });
  realCounts = node.store.challenges.facetCounts.bind(node.store.challenges);
  const api = request(node.listenUrl);
  const hub = await api.post("/api/v1/hubs").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send(hubInput("wait_hub"));
  expect((await api.post("/api/v1/hubs/wait_hub/challenges").set("Authorization", `Bearer ${hub.body.token}`).send(challengeInput("fr-health-pcp"))).status).toBe(201);
});
afterAll(async () => {
  release();
  await node.stop();
});

it("sends the page without counts while they are still being counted, and with them next time", async () => {
  holdCounts();
  const first = await request(node.listenUrl).get("/").expect(200);
  // Answered while the counts are still held back: the page did not wait for them.
  expect(asked).toHaveLength(1);
  expect(first.text).toContain("1 challenge matches these filters");
  // The node's own challenges are of its country (IPN_COUNTRY=DE in test nodes).
  expect(first.text).toContain('<option value="DE">Germany</option>');
  expect(first.text).not.toMatch(/(Germany|France|Open) \(\d+\)/);
  expect(first.text).toMatch(/<h2 class="card-title"><a href="[^"]+\/challenges\/[^"]+">/); // its card is there

  release();
  await Promise.all(asked);
  const next = await request(node.listenUrl).get("/").expect(200);
  expect(next.text).toContain('<option value="DE">Germany (1)</option>');
  expect(next.text).toContain("1 challenge matches these filters");
});

it("leaves the API's facets exact: it answers them once they are counted", async () => {
  holdCounts();
  const answer = request(node.listenUrl).get("/api/v1/challenges?facets=country").then((r) => r);
  await new Promise((resolve) => setTimeout(resolve, 300)); // three times the page's wait
  release();
  const res = await answer;
  expect(res.status).toBe(200);
  // Counted by where the challenge is published (DE) and by its buyer's country (FR).
  expect(res.body.facets).toEqual({ country: { DE: 1, FR: 1 } });
});
