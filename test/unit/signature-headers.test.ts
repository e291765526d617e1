// The strict Signature / Signature-Input readers the inbound gate and the peers' fast path use: what
// they split on, what they unquote, and what they refuse.
import { parseCavageSignature, parseRfc9421Inputs, SignatureHeaderError } from "../../federation/inbound/signature-headers";

const SIG = "dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==";

describe("draft-cavage Signature", () => {
  it("reads the parameters, whatever their order, spacing and case, and ignores unknown ones", () => {
    const parsed = parseCavageSignature(` Signature="${SIG}" ,headers="(request-target) Host  Date digest", foo="x",keyId="https://a.example/hubs/x#main-key",algorithm="rsa-sha256"`);
    expect(parsed).toEqual({ keyId: "https://a.example/hubs/x#main-key", algorithm: "rsa-sha256", headers: ["(request-target)", "host", "date", "digest"], signature: SIG, created: undefined, expires: undefined });
  });

  it("does not split on a comma inside a quoted value, and unescapes a backslash-escaped quote", () => {
    const parsed = parseCavageSignature(`keyId="https://a.example/k?x=1,2&q=\\"y\\"",headers="date",signature="${SIG}"`);
    expect(parsed.keyId).toBe('https://a.example/k?x=1,2&q="y"');
    expect(parsed.headers).toEqual(["date"]);
  });

  it.each([
    ["an unterminated quoted string", `keyId="https://x,headers="date",signature="${SIG}"`],
    ["a backslash ending an open quote", `keyId="https://x\\`],
    ["a duplicated parameter", `keyId="a",keyId="b",headers="date",signature="${SIG}"`],
    ["a parameter without a name", `="a",keyId="b",headers="date",signature="${SIG}"`],
    ["no keyId", `headers="date",signature="${SIG}"`],
    ["a signature that is not base64", 'keyId="a",headers="date",signature="not base64!"'],
    ["no headers", `keyId="a",signature="${SIG}"`],
    ["a created that is not a timestamp", `keyId="a",headers="date",signature="${SIG}",created="yesterday"`],
  ])("refuses %s", (_what, header) => {
    expect(() => parseCavageSignature(header)).toThrow(SignatureHeaderError);
  });
});

describe("RFC 9421 Signature-Input", () => {
  it("reads each label's components and parameters; a comma inside a quoted parameter does not split", () => {
    const inputs = parseRfc9421Inputs('sig1=("@method" "@target-uri" "content-digest");keyid="https://a.example/k,1";alg="rsa-v1_5-sha256";created=1700000000, sig2=("@method");keyid="b";created=2');
    expect(inputs).toEqual([
      { label: "sig1", components: ["@method", "@target-uri", "content-digest"], params: { keyid: "https://a.example/k,1", alg: "rsa-v1_5-sha256", created: 1700000000 } },
      { label: "sig2", components: ["@method"], params: { keyid: "b", created: 2 } },
    ]);
  });

  it("refuses a duplicated label", () => {
    expect(() => parseRfc9421Inputs('sig1=("@method");keyid="a", sig1=("@method");keyid="b"')).toThrow(SignatureHeaderError);
  });
});
