// The browser tier's Chromium (Debian's, driven by playwright-core) and axe-core. CI exports
// IPN_TEST_CHROMIUM from .ci/chromium.sh; elsewhere chromium is looked up on PATH, then installed by
// that same script (as the FerretDB and bovine tests build what they need), and when that cannot work
// the tests fail saying how to get it (they are never skipped).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export function chromiumPath(): string {
  if (process.env.IPN_TEST_CHROMIUM) return process.env.IPN_TEST_CHROMIUM;
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
    } catch {
      // not this one
    }
  }
  try {
    // Installs Debian's chromium with apt when this user may (root, or sudo without a password).
    const installed = execFileSync("bash", [path.resolve(__dirname, "../../.ci/chromium.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 10 * 60_000 }).trim();
    if (installed) return installed;
  } catch {
    // cannot install here: say how below
  }
  throw new Error("the browser tests need Chromium: run `bash .ci/chromium.sh` once as root (it installs Debian's chromium), or set IPN_TEST_CHROMIUM");
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/**
 * axe-core's violations on the page (WCAG 2.2 A/AA unless other tags are given), as readable lines
 * ("id (impact): help — targets"), so a failing test says what to fix and where.
 */
export async function axeViolations(page: Page, options: { tags?: string[] } = {}): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  }, options.tags ?? WCAG_TAGS);
  return violations;
}

/**
 * What the browser tier checks on every page it visits: axe in light and dark mode, and reflow (no
 * sideways scrolling at 320 px, WCAG 1.4.10). Findings are collected under the page's name, so one
 * test at the end can show them all.
 */
export function pageAudit() {
  const violations: Record<string, string[]> = {};
  const overflowing: string[] = [];
  return {
    violations,
    overflowing,
    async check(page: Page, name: string): Promise<void> {
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        const v = await axeViolations(page);
        if (v.length) violations[`${name} (${scheme})`] = v;
      }
      await page.emulateMedia({ colorScheme: "light" });
      const size = page.viewportSize();
      await page.setViewportSize({ width: 320, height: 640 });
      if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)) overflowing.push(name);
      if (size) await page.setViewportSize(size);
    },
  };
}
