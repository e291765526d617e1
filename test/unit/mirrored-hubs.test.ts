// Which hub documents a peer's hub list may bring into the mirror (node/domain/mirrored-hubs.ts).
import { refuseMirroredHub, selectMirroredHubs } from "../../node/domain/mirrored-hubs";
import { hubOf } from "../support/hostile/mirror-peer";

const FR = "https://fr.ipn.example";

it("accepts a valid hub at the address its origin mints, and nothing else", () => {
  expect(refuseMirroredHub(hubOf(FR, "paris"), FR, { allowHttp: false })).toBeNull();
  expect(refuseMirroredHub(hubOf("https://de.ipn.example", "berlin"), FR, { allowHttp: false })).toMatch(/not on the peer's origin/);
  expect(refuseMirroredHub({ ...hubOf(FR, "paris"), id: `${FR}/hubs/lyon` }, FR, { allowHttp: false })).toMatch(/is not https:\/\/fr\.ipn\.example\/hubs\/paris/);
  expect(refuseMirroredHub({ ...hubOf(FR, "paris"), id: "not a url" }, FR, { allowHttp: false })).toBe("id is not a URL");
  expect(refuseMirroredHub({ ...hubOf(FR, "paris"), hubType: "castle" }, FR, { allowHttp: false })).toMatch(/^invalid document: \/hubType/);
  expect(refuseMirroredHub([], FR, { allowHttp: false })).toBe("not a JSON object");
  // http ids only in the test/demo mode.
  expect(refuseMirroredHub(hubOf("http://127.0.0.1:8080", "lab"), "http://127.0.0.1:8080", { allowHttp: false })).toMatch(/invalid document/);
  expect(refuseMirroredHub(hubOf("http://127.0.0.1:8080", "lab"), "http://127.0.0.1:8080", { allowHttp: true })).toBeNull();
});

it("takes the first `max` entries, each id once, and reports what it refused or dropped", () => {
  const list = [hubOf(FR, "a"), hubOf(FR, "a"), { nope: 1 }, hubOf(FR, "b"), hubOf(FR, "c")];
  const r = selectMirroredHubs(list, FR, { allowHttp: false, max: 4 });
  expect(r.accepted.map((h) => h.preferredUsername)).toEqual(["a", "b"]);
  expect(r.refused.map((x) => x.reason)).toEqual(["listed twice", "no id or preferredUsername"]);
  expect(r.dropped).toBe(1);
});
