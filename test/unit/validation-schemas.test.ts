import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import {
  CODE_LIST_NAMES, countryInfo, countryOfNuts, getCodeList, isKnownCpvDivision, isKnownNuts, nutsPrefixFor,
} from "../../node/domain/codelists";
import { CHALLENGE_STATUSES, FOCUS_AREAS, HUB_TYPES, INSTRUMENTS } from "../../node/domain/types";
import { getSchema, SCHEMA_NAMES } from "../../node/domain/validation";

const schemasDir = path.join(__dirname, "..", "..", "schemas");
const readJson = (file: string): any => JSON.parse(fs.readFileSync(file, "utf8"));
const codeListFiles = fs.readdirSync(path.join(schemasDir, "codelists")).filter((f) => f.endsWith(".json")).sort();
const commonDefs = readJson(path.join(schemasDir, "common.schema.json")).$defs;

describe("schema files", () => {
  test("the node serves common, challenge and hub", () => {
    expect([...SCHEMA_NAMES].sort()).toEqual(["challenge", "common", "hub"]);
  });

  test.each([...SCHEMA_NAMES])("%s.schema.json is what getSchema serves, with a w3id $id", (name) => {
    const onDisk = readJson(path.join(schemasDir, `${name}.schema.json`));
    expect(getSchema(name)).toEqual(onDisk);
    expect(onDisk.$id).toBe(`https://w3id.org/ipn/schemas/1.0/${name}.json`);
    expect(onDisk.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  test("unknown schema names are not served", () => {
    for (const name of ["config", "../package", "toString", ""]) expect(getSchema(name)).toBeUndefined();
  });

  test("all schemas compile together in AJV strict mode", () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
    addFormats(ajv);
    for (const name of SCHEMA_NAMES) ajv.addSchema(readJson(path.join(schemasDir, `${name}.schema.json`)));
    for (const name of SCHEMA_NAMES) expect(() => ajv.getSchema(`https://w3id.org/ipn/schemas/1.0/${name}.json`)).not.toThrow();
    expect(typeof ajv.getSchema("https://w3id.org/ipn/schemas/1.0/challenge.json")).toBe("function");
    expect(typeof ajv.getSchema("https://w3id.org/ipn/schemas/1.0/hub.json")).toBe("function");
  });

  test("the JSON-LD context parses and uses the IPN namespace", () => {
    const ctx = readJson(path.join(schemasDir, "context", "ipn-v1.jsonld"))["@context"];
    expect(ctx.ipn).toBe("https://w3id.org/ipn/ns#");
    const values = JSON.stringify(ctx);
    expect(values).not.toMatch(/"ic:/);
    expect(ctx.focusArea).toEqual({ "@id": "ipn:focusArea", "@container": "@set" });
  });
});

describe("code lists", () => {
  test("every code list file is valid JSON, named after its id, and served", () => {
    for (const file of codeListFiles) {
      const list = readJson(path.join(schemasDir, "codelists", file));
      expect(list.id).toBe(file.replace(/\.json$/, ""));
      expect(typeof list.source).toBe("string");
      expect(getCodeList(list.id)).toEqual(list);
    }
    expect([...CODE_LIST_NAMES].sort()).toEqual(codeListFiles.map((f) => f.replace(/\.json$/, "")).sort());
    expect(getCodeList("hasOwnProperty")).toBeUndefined();
  });

  test("code lists tied to a schema definition hold exactly its codes, each with an English label", () => {
    const tied = codeListFiles.map((f) => readJson(path.join(schemasDir, "codelists", f))).filter((l) => l.schemaDef);
    expect(tied.length).toBeGreaterThanOrEqual(15);
    for (const list of tied) {
      const def = String(list.schemaDef).replace("common.json#/$defs/", "");
      expect({ list: list.id, codes: list.codes.map((c: { code: string }) => c.code) }).toEqual({ list: list.id, codes: commonDefs[def].enum });
      for (const c of list.codes) expect(typeof c.label.en).toBe("string");
    }
  });

  test("the TypeScript constants match the code lists", () => {
    const codes = (id: string) => getCodeList(id)!.codes!.map((c) => c.code);
    expect(codes("status")).toEqual([...CHALLENGE_STATUSES]);
    expect(codes("focus-areas")).toEqual([...FOCUS_AREAS]);
    expect(codes("instruments")).toEqual([...INSTRUMENTS]);
    expect(codes("hub-types")).toEqual([...HUB_TYPES]);
  });

  test("countries: 30 EEA states, Greece is GR with NUTS prefix EL, Liechtenstein pays in CHF", () => {
    expect(getCodeList("countries")!.codes).toHaveLength(30);
    expect(countryInfo("GR")).toMatchObject({ alpha3: "GRC", nutsPrefix: "EL", currency: "EUR" });
    expect(countryInfo("LI")).toMatchObject({ alpha3: "LIE", currency: "CHF", eu: false });
    expect(countryInfo("EL")).toBeUndefined();
    expect(nutsPrefixFor("GR")).toBe("EL");
    expect(countryOfNuts("EL301")).toBe("GR");
    expect(countryOfNuts("CH011")).toBeUndefined();
  });

  test("languages: the 28 tags with their EU authority codes", () => {
    const langs = getCodeList("languages")!.codes!;
    expect(langs).toHaveLength(28);
    expect(langs.find((l) => l.code === "nb")).toMatchObject({ euCode: "NOB", euOfficial: false });
  });

  test("NUTS: levels 1–3 of every EEA state, without extra-regio codes", () => {
    for (const code of ["DE2", "DE21", "DE212", "EL301", "FI1B1", "FR101", "NO083", "IS001", "LI000"]) expect(isKnownNuts(code)).toBe(true);
    for (const code of ["DE", "DEZZZ", "GR301", "NO082", "CH011", "DE999"]) expect(isKnownNuts(code)).toBe(false);
  });

  test("CPV: 45 divisions", () => {
    expect(getCodeList("cpv-divisions")!.codes).toHaveLength(45);
    expect(isKnownCpvDivision("72000000")).toBe(true);
    expect(isKnownCpvDivision("01000000")).toBe(false);
  });
});
