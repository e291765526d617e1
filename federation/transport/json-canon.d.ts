// json-canon 1.0.1 (RFC 8785 JSON canonicalisation, the serializer Fedify's integrity proofs use) ships no types.
declare module "json-canon" {
  export default function serialize(value: unknown): string;
}
