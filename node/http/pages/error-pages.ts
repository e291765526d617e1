// Pages for requests that have no normal answer: bad filters, unknown or draft objects, withdrawn ones.
import type { FieldError } from "../../domain/errors";
import { dateTime, problemList } from "./components";
import { html, type SafeHtml } from "./html";

export interface ErrorPage { status: number; title: string; body: SafeHtml }

/** `form` lets the reader correct the filters in place. */
export function badRequestPage(errors: readonly FieldError[], form?: SafeHtml): ErrorPage {
  return {
    status: 400,
    title: "Invalid filters",
    body: html`<h1>Invalid filters</h1>
<p>Some of the listing filters could not be understood:</p>
${problemList(errors)}
${form}
<p><a href="/">Show all open and forthcoming challenges</a></p>`,
  };
}

export function notFoundPage(what: string): ErrorPage {
  return {
    status: 404,
    title: "Not found",
    body: html`<h1>Not found</h1>
<p>There is no ${what} at this address.</p>
<p><a href="/">Browse the challenges</a></p>`,
  };
}

export function gonePage(withdrawnAt: string): ErrorPage {
  return {
    status: 410,
    title: "Challenge withdrawn",
    body: html`<h1>Challenge withdrawn</h1>
<p>This challenge was withdrawn on ${dateTime(withdrawnAt)}.</p>
<p><a href="/">Browse the current challenges</a></p>`,
  };
}
