// iCalendar (RFC 5545) of deadlines and milestones, through ical-generator: for a selection of
// challenges (one event per submission deadline, enquiry deadline and milestone) and for one challenge.
// UIDs are stable per challenge and date kind, so a calendar app updates an event when it moves; the
// SEQUENCE is the challenge's revision, so the later version wins.
import icalModule from "ical-generator";
import type { StoredChallenge } from "../../domain/ports";
import { label, pick } from "../pages/format";

// ical-generator's CommonJS build exports the function as `default` (ts-jest and tsx disagree on interop).
type Ical = typeof icalModule;
const ical: Ical = (icalModule as unknown as { default?: Ical }).default ?? icalModule;

export interface CalendarSource {
  challenge: StoredChallenge;
  /** The challenge's page (URL of every event). */
  url: string;
}

function addEvents(cal: ReturnType<Ical>, { challenge, url }: CalendarSource): void {
  const doc = challenge.doc;
  const lang = doc.defaultLanguage;
  const title = pick(doc.title, lang, lang)?.text ?? doc.id;
  const common = { url, sequence: doc.revision, lastModified: new Date(doc.updated), description: `${title}\n${url}` };
  const uid = (kind: string) => `${kind}.${doc.id}`;
  const deadline = doc.submissionPeriod?.end;
  if (deadline) cal.createEvent({ ...common, id: uid("deadline"), start: new Date(deadline), end: new Date(deadline), summary: `Deadline: ${title}` });
  const enquiry = doc.enquiryPeriod?.end;
  if (enquiry) cal.createEvent({ ...common, id: uid("enquiry"), start: new Date(enquiry), end: new Date(enquiry), summary: `Questions deadline: ${title}` });
  (doc.milestones ?? []).forEach((m, i) => {
    const what = pick(m.title, lang, lang)?.text ?? label("milestone-types", m.type);
    const start = new Date(m.dateTime);
    const end = m.endTime ? new Date(m.endTime) : start;
    const place = m.location?.locality ?? (m.online ? "Online" : undefined);
    cal.createEvent({ ...common, id: uid(`milestone-${i}`), start, end, summary: `${what}: ${title}`, ...(place ? { location: place } : {}), ...(m.url ? { url: m.url } : {}) });
  });
}

export function renderCalendar(name: string, sources: readonly CalendarSource[]): string {
  const cal = ical({ name, prodId: { company: "IPN", product: "Innovation Procurement Network", language: "EN" } });
  for (const s of sources) addEvents(cal, s);
  return cal.toString();
}
