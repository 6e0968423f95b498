import type { Translate } from "../../app/i18n/translate.js";

/**
 * What the public records are built from: a published ruling as the registry holds it, with the acts
 * the transparency log records for it (publication, renewals, a repeal or a lapse), and how the polity
 * names itself. The serializers (atom.ts, akoma-ntoso.ts, eli.ts) are pure functions of these.
 */

export type RulingStatus = "in-force" | "renewed" | "repealed" | "lapsed";
export type ActKind = "published" | "renewed" | "repealed" | "lapsed";

/** One act on a ruling, as its leaf in the log records it. */
export interface RecordAct {
  act: ActKind;
  /** When it was done (ISO 8601). */
  at: string;
  /** The ruling's sunset after the act (null: none, or no longer, as after a repeal). */
  sunsetAt: string | null;
  /** A repeal's public reason. */
  reason?: string;
  leafIndex: number;
}

export interface PublicRuling {
  id: string;
  matterId: string;
  /** The ELI path, /eli/{polity}/ruling/{year}/{number}. */
  eli: string;
  year: number;
  number: number;
  title: string;
  text: string;
  /** The app's code of the language it is written in (the matter's): "en", "et". */
  language: string;
  emergency: boolean;
  status: RulingStatus;
  publishedAt: string;
  sunsetAt: string | null;
  /** In the log's order; the first is its publication. */
  acts: RecordAct[];
}

export interface RecordsSettings {
  /** AGORA_PUBLIC_URL: every absolute URI starts with it. */
  publicUrl: string;
  /** The polity's name, as author of its records. */
  polityName: string;
  /** ISO 3166-1 alpha-2, lowercase. */
  country: string;
  /** ISO 639-2 code by the app's language code. */
  languages: Record<string, string>;
  t: Translate;
}

/** An absolute URI of this registry. */
export const absolute = (settings: Pick<RecordsSettings, "publicUrl">, path: string) => `${settings.publicUrl}${path}`;

/** A ruling's ISO 639-2 language code; "mul" (multiple languages) for one the polity's table does not name. */
export const iso639 = (settings: Pick<RecordsSettings, "languages">, language: string) => settings.languages[language] ?? "mul";

/** The day of an ISO 8601 timestamp. */
export const day = (at: string) => at.slice(0, 10);

/** The time of the last act on a ruling: what its `updated` says. */
export const lastActAt = (ruling: PublicRuling) => ruling.acts.at(-1)?.at ?? ruling.publishedAt;

/** Where a ruling's files are. */
export function rulingLinks(settings: Pick<RecordsSettings, "publicUrl">, ruling: Pick<PublicRuling, "eli" | "id">) {
  return {
    page: absolute(settings, ruling.eli),
    akn: absolute(settings, `${ruling.eli}/akn.xml`),
    bundle: absolute(settings, `/api/rulings/${ruling.id}/bundle.json`),
  };
}

/** What a record says of a ruling's standing, in words: status, sunset, a repeal's date and reason. */
export function standing(t: Translate, ruling: PublicRuling): string {
  const last = ruling.acts.at(-1);
  const emergency = ruling.emergency ? ` ${t("records.emergency")}` : "";
  switch (ruling.status) {
    case "repealed":
      return t("records.standing.repealed", { date: day(last?.act === "repealed" ? last.at : ruling.publishedAt), reason: last?.reason ?? "—" });
    case "lapsed":
      return t("records.standing.lapsed", { date: day(ruling.sunsetAt ?? last?.at ?? ruling.publishedAt) });
    case "renewed":
      return `${t("records.standing.renewed", { date: day(last?.at ?? ruling.publishedAt), until: day(ruling.sunsetAt ?? "") })}${emergency}`;
    default:
      return `${ruling.sunsetAt ? t("records.standing.inForceUntil", { until: day(ruling.sunsetAt) }) : t("records.standing.inForce")}${emergency}`;
  }
}
