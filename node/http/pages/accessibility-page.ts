// The accessibility statement every EU public-sector website must publish (Directive (EU) 2016/2102,
// model statement of Commission Implementing Decision (EU) 2018/1523): status, known gaps, how to
// report a problem, and the enforcement procedure. Kept honest: it lists what is not done yet.
import { html, type SafeHtml } from "./html";
import { translator, type UiLanguage } from "../i18n";

export function accessibilityBody(nodeName: string, origin: string, ui: UiLanguage = "en"): SafeHtml {
  const t = translator(ui);
  return html`<h1>${t("a11y.title")}</h1>
<p>${t("a11y.intro", { node: nodeName, origin })}</p>
<h2>${t("a11y.statusTitle")}</h2>
<p>${t("a11y.status")}</p>
<h2>${t("a11y.gapsTitle")}</h2>
<ul>
<li>${t("a11y.gapLanguages")}</li>
<li>${t("a11y.gapDocuments")}</li>
<li>${t("a11y.gapCodes")}</li>
</ul>
<h2>${t("a11y.offersTitle")}</h2>
<ul>
<li>${t("a11y.offerKeyboard")}</li>
<li>${t("a11y.offerContrast")}</li>
<li>${t("a11y.offerReflow")}</li>
</ul>
<h2>${t("a11y.preparationTitle")}</h2>
<p>${t("a11y.preparation")}</p>
<h2>${t("a11y.feedbackTitle")}</h2>
<p>${t("a11y.feedback", { node: nodeName })}</p>
<h2>${t("a11y.enforcementTitle")}</h2>
<p>${t("a11y.enforcement")}</p>`;
}
