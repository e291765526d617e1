// Pages for requests that have no normal answer: bad filters, unknown or draft objects, withdrawn ones.
import type { FieldError } from "../../domain/errors";
import { dateTime, problemList } from "./components";
import { html, type SafeHtml } from "./html";
import { translator, type UiLanguage } from "../i18n";

export interface ErrorPage { status: number; title: string; body: SafeHtml }

/** `form` lets the reader correct the filters in place. */
export function badRequestPage(errors: readonly FieldError[], form?: SafeHtml, ui: UiLanguage = "en"): ErrorPage {
  const t = translator(ui);
  return {
    status: 400,
    title: t("errors.invalidFilters"),
    body: html`<h1>${t("errors.invalidFilters")}</h1>
<p>${t("errors.invalidFiltersIntro")}</p>
${problemList(errors)}
${form}
<p><a href="/">${t("errors.showAll")}</a></p>`,
  };
}

export function notFoundPage(what: "page" | "hub" | "challenge", ui: UiLanguage = "en"): ErrorPage {
  const t = translator(ui);
  return {
    status: 404,
    title: t("errors.notFound"),
    body: html`<h1>${t("errors.notFound")}</h1>
<p>${t("errors.notFoundText", { what: t(`errors.what.${what}`) })}</p>
<p><a href="/">${t("errors.browse")}</a></p>`,
  };
}

export function gonePage(withdrawnAt: string, ui: UiLanguage = "en"): ErrorPage {
  const t = translator(ui);
  return {
    status: 410,
    title: t("errors.goneTitle"),
    body: html`<h1>${t("errors.goneTitle")}</h1>
<p>${t("errors.goneText")} ${dateTime(withdrawnAt)}.</p>
<p><a href="/">${t("errors.browseCurrent")}</a></p>`,
  };
}
