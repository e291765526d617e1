// The full CPV 2008 list generated from the eForms SDK (npm run codelists): membership, labels in the
// reader's language, the files as served, and the Genericode reader the generator uses.
import fs from "node:fs";
import path from "node:path";
import request from "supertest";
import { cpvLabel, getCodeList, isKnownCpv, isKnownNuts, nutsName } from "../../node/domain/codelists";
import { parseGenericode } from "../../scripts/genericode";
import { startTestNode } from "../support/node";

const DIR = path.resolve(__dirname, "../../schemas/codelists");

describe("CPV 2008 code list", () => {
  it("holds the whole main vocabulary, every code with a parent in the list except the divisions", () => {
    const list = JSON.parse(fs.readFileSync(path.join(DIR, "cpv.json"), "utf8"));
    expect(list.codes.length).toBe(9454);
    const codes = new Set(list.codes.map((c: { code: string }) => c.code));
    for (const c of list.codes as { code: string; parent?: string }[]) {
      expect(c.code).toMatch(/^[0-9]{8}$/);
      if (c.code.endsWith("000000")) continue;
      expect(codes.has(c.parent)).toBe(true);
    }
    expect(list.licence).toMatch(/CC BY 4\.0/);
    expect(list.source).toMatch(/eForms SDK 1\.15\.1/);
  });

  it("knows real codes and refuses codes that are only well-formed", () => {
    expect(isKnownCpv("72000000")).toBe(true);
    expect(isKnownCpv("73120000")).toBe(true);
    expect(isKnownCpv("72999999")).toBe(false);
    expect(isKnownCpv("99000000")).toBe(false);
  });

  it("labels a code in each of the 24 EU languages, English for any other", () => {
    expect(cpvLabel("72000000", "en")).toBe("IT services: consulting, software development, Internet and support");
    expect(cpvLabel("72000000", "de")).toMatch(/^IT-Dienste/);
    expect(cpvLabel("72000000", "fr")).toMatch(/^Services de technologies de l'information/);
    expect(cpvLabel("72000000", "is")).toBe(cpvLabel("72000000", "en"));
    const list = getCodeList("cpv") as unknown as { languages: string[] };
    expect(list.languages).toHaveLength(24);
    for (const lang of list.languages) expect(cpvLabel("33000000", lang)?.length).toBeGreaterThan(3);
    expect(cpvLabel("72999999", "en")).toBeUndefined();
  });

  it("reads Genericode rows, entities included", () => {
    const xml = `<gc:CodeList><SimpleCodeList><Row><Value ColumnRef="code"><SimpleValue>03000000</SimpleValue></Value>
      <Value ColumnRef="eng_label"><SimpleValue>Agricultural &amp; farming &#x2013; products</SimpleValue></Value></Row>
      <Row><Value ColumnRef="code"><SimpleValue>03100000</SimpleValue></Value><Value ColumnRef="parentCode"><SimpleValue>03000000</SimpleValue></Value></Row></SimpleCodeList></gc:CodeList>`;
    expect(parseGenericode(xml)).toEqual([
      { code: "03000000", eng_label: "Agricultural & farming – products" },
      { code: "03100000", parentCode: "03000000" },
    ]);
  });

  it("is served with its labels, and an unknown language is a 404", async () => {
    const node = await startTestNode();
    try {
      const api = request(node.listenUrl);
      const list = await api.get("/schemas/codelists/cpv.json").expect(200);
      expect(list.body.codes).toHaveLength(9454);
      const de = await api.get("/schemas/codelists/cpv/de.json").expect(200);
      expect(de.body.labels["72000000"]).toMatch(/^IT-Dienste/);
      await api.get("/schemas/codelists/cpv/xx.json").expect(404);
    } finally {
      await node.stop();
    }
  });
});

describe("NUTS 2024 code list", () => {
  const list = JSON.parse(fs.readFileSync(path.join(DIR, "nuts.json"), "utf8"));

  it("holds levels 1–3 of every EEA country, each code under its country's prefix and its parent in the list", () => {
    const countries = JSON.parse(fs.readFileSync(path.join(DIR, "countries.json"), "utf8")).codes as { code: string; nutsPrefix: string }[];
    expect(Object.keys(list.codesByCountry).sort()).toEqual(countries.map((c) => c.code).sort());
    const all = new Set<string>(Object.values(list.codesByCountry as Record<string, string[]>).flat());
    expect(all.size).toBe(1533);
    for (const c of countries) {
      for (const code of list.codesByCountry[c.code] as string[]) {
        expect(code.startsWith(c.nutsPrefix)).toBe(true);
        expect(code).toMatch(/^[A-Z]{2}[0-9A-Y][0-9A-Z]{0,2}$/); // extra-regio (…Z) left out
        if (code.length > 3) expect(all.has(code.slice(0, -1))).toBe(true);
      }
    }
    expect(list.version).toBe("NUTS 2024");
    expect(list.source).toMatch(/eForms SDK 1\.15\.1/);
    expect(list.licence).toMatch(/CC BY 4\.0/);
  });

  it("knows current regions and names them as Eurostat does", () => {
    expect(isKnownNuts("FR101")).toBe(true);
    expect(isKnownNuts("EL301")).toBe(true);
    expect(isKnownNuts("FRZZZ")).toBe(false);
    expect(isKnownNuts("GR301")).toBe(false); // Greece is EL in NUTS
    expect(isKnownNuts("UKI31")).toBe(false); // no longer in the EEA
    expect(nutsName("FR101")).toBe("Paris");
    expect(nutsName("DE300")).toBe("Berlin");
    expect(nutsName("EL301")).toBe("Βόρειος Τομέας Αθηνών");
    expect(nutsName("XX999")).toBeUndefined();
    for (const code of Object.values(list.codesByCountry as Record<string, string[]>).flat()) expect(nutsName(code)?.length).toBeGreaterThan(1);
  });
});
