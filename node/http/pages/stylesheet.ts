// The stylesheet, read once. Its URL carries a content hash so browsers may cache it for a year
// and still pick up a new version right after an upgrade.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

export const STYLESHEET_PATH = "/static/ipn.css";
export const stylesheet: string = readFileSync(path.join(__dirname, "..", "static", "ipn.css"), "utf8");
const version = createHash("sha256").update(stylesheet).digest("hex").slice(0, 12);
export const stylesheetHref = `${STYLESHEET_PATH}?v=${version}`;
