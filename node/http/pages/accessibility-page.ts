// The accessibility statement every EU public-sector website must publish (Directive (EU) 2016/2102,
// model statement of Commission Implementing Decision (EU) 2018/1523): status, known gaps, how to
// report a problem, and the enforcement procedure. Kept honest: it lists what is not done yet.
import { html, type SafeHtml } from "./html";

export function accessibilityBody(nodeName: string, origin: string): SafeHtml {
  return html`<h1>Accessibility statement</h1>
<p>${nodeName} (<a href="${origin}/">${origin}</a>) is committed to making its website accessible, in accordance with
Directive (EU) 2016/2102 on the accessibility of the websites and mobile applications of public sector bodies.</p>
<h2>Compliance status</h2>
<p>This website is <strong>partially compliant</strong> with the harmonised standard EN 301 549 V3.2.1 (WCAG 2.1 level AA),
due to the non-compliances listed below. The target is WCAG 2.2 level AA.</p>
<h2>Content that is not accessible</h2>
<ul>
<li>The public pages are available in English, German and French so far (other EU languages follow); this statement and the workspace for hub editors are in English only. Challenge texts are shown in the languages their publishers provided.</li>
<li>Documents attached to challenges (PDF and others) are published by the buyers and may not be accessible.</li>
<li>CPV codes are labelled in the 24 EU languages; in Icelandic and Norwegian they fall back to English. NUTS regions are named in their own language, as Eurostat publishes them.</li>
</ul>
<h2>What the pages offer</h2>
<ul>
<li>Every page works without JavaScript, has a link to skip to its content, and can be used with the keyboard alone.</li>
<li>Text and controls keep at least the WCAG AA contrast, in light and dark mode; the focus indicator is visible on every background.</li>
<li>Pages reflow on narrow screens and print without navigation.</li>
</ul>
<h2>Preparation of this statement</h2>
<p>This statement is based on a self-assessment by the developers of the IPN software and on automated checks run on every
change: every public page and every workspace page is loaded in a real browser and checked with axe-core against WCAG 2.2
levels A and AA, in light and dark mode, in English, German and French, together with keyboard, reflow (320 px) and
no-JavaScript checks. Automated checks do not find every problem; it is reviewed with every release.</p>
<h2>Feedback and contact information</h2>
<p>If you find an accessibility problem or need information in another format, contact the operator of this node,
${nodeName}. Please say which page and what you were trying to do.</p>
<h2>Enforcement procedure</h2>
<p>If you are not satisfied with the answer, you can contact the national authority responsible for the enforcement of
Directive (EU) 2016/2102 in the member state of this node.</p>`;
}
