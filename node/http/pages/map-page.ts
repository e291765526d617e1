// "/map": the EEA as a server-rendered SVG (Natural Earth shapes from world-atlas, projected with
// d3-geo on the server: no JavaScript, no tiles, nothing fetched), each country shaded by its open
// challenges and linked to its listing, with a table of the same numbers for screen readers and
// keyboards (the drawing itself is decorative to assistive technology).
import { geoAzimuthalEqualArea, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { readFileSync } from "node:fs";
import { COUNTRY_CODES } from "../../domain/codelists";
import { translator, type UiLanguage } from "../i18n";
import { label } from "./format";
import { html, type SafeHtml } from "./html";

/** ISO 3166-1 numeric codes (world-atlas ids) of the EEA states. */
const NUMERIC: Record<string, string> = {
  AT: "040", BE: "056", BG: "100", CY: "196", CZ: "203", DE: "276", DK: "208", EE: "233", ES: "724", FI: "246",
  FR: "250", GR: "300", HR: "191", HU: "348", IE: "372", IS: "352", IT: "380", LI: "438", LT: "440", LU: "442",
  LV: "428", MT: "470", NL: "528", NO: "578", PL: "616", PT: "620", RO: "642", SE: "752", SI: "705", SK: "703",
};
const WIDTH = 800;
const HEIGHT = 760;

interface Drawing { countries: Map<string, string>; neighbours: string }
let drawing: Drawing | undefined;

/**
 * The shapes, projected once per process (≈ 0.1 s) and kept as SVG path data. The Natural Earth file
 * is read here and then let go (parsed once, it is ≈ 6 MiB of heap that no other page needs).
 */
function draw(): Drawing {
  if (drawing) return drawing;
  const topo = JSON.parse(readFileSync(require.resolve("world-atlas/countries-50m.json"), "utf8")) as Topology<{ countries: GeometryCollection }>;
  const all = (feature(topo, topo.objects.countries) as FeatureCollection<Geometry>).features;
  // Lambert azimuthal equal-area centred on Europe (as EPSG:3035), fitted to the EEA from the Azores'
  // latitude to the North Cape; overseas territories fall outside and are clipped.
  const frame: Feature<Geometry> = { type: "Feature", properties: {}, geometry: { type: "MultiPoint", coordinates: [[-24, 36], [34, 34.5], [-10, 71], [32, 71]] } };
  const projection = geoAzimuthalEqualArea().rotate([-10, -52]).fitExtent([[10, 10], [WIDTH - 10, HEIGHT - 10]], frame).clipExtent([[0, 0], [WIDTH, HEIGHT]]);
  // Whole pixels of an 800-wide drawing: invisible rounding, half the bytes.
  const path = geoPath(projection).digits(0);
  const byNumeric = new Map(Object.entries(NUMERIC).map(([a2, n]) => [n, a2]));
  const countries = new Map<string, string>();
  const others: string[] = [];
  for (const f of all) {
    const d = path(f);
    if (!d) continue;
    const a2 = byNumeric.get(String(f.id));
    if (a2) countries.set(a2, d);
    else others.push(d);
  }
  drawing = { countries, neighbours: others.join("") };
  return drawing;
}

/** Shade classes: none, then four steps relative to the busiest country. */
function shade(n: number, max: number): number {
  if (n === 0 || max === 0) return 0;
  return Math.min(4, 1 + Math.floor((3 * n) / max + 0.0001));
}

/** `counts`: open challenges per country (a challenge counts for its hub's country and every country it is done in); `total`: open challenges. */
export function mapBody(counts: ReadonlyMap<string, number>, total: number, ui: UiLanguage): SafeHtml {
  const t = translator(ui);
  const { countries, neighbours } = draw();
  const max = Math.max(0, ...counts.values());
  const rows = [...COUNTRY_CODES].map((c) => ({ code: c, name: label("countries", c, ui), n: counts.get(c) ?? 0 }))
    .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name, ui));
  return html`<h1>${t("map.title")}</h1>
<p>${t("map.intro", { count: total })}</p>
<figure class="map">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-hidden="true" focusable="false" class="eea-map">
<path class="map-neighbours" d="${neighbours}"></path>
${[...countries].map(([code, d]) => {
    const n = counts.get(code) ?? 0;
    return html`<a href="/?country=${code}" tabindex="-1"><path class="map-country shade-${shade(n, max)}" d="${d}"><title>${label("countries", code, ui)}: ${n}</title></path></a>`;
  })}
</svg>
<figcaption>${t("map.caption")}</figcaption>
</figure>
<table class="map-table">
<caption>${t("map.tableCaption")}</caption>
<thead><tr><th scope="col">${t("map.country")}</th><th scope="col">${t("map.open")}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr><th scope="row"><a href="/?country=${r.code}">${r.name}</a></th><td>${r.n.toLocaleString(ui)}</td></tr>`)}</tbody>
</table>`;
}
