import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

type Row = Record<string, string | number | null | string[]>;

function csvCell(value: Row[string]): string {
  const text = Array.isArray(value) ? value.join(" | ") : value === null ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(columns: [header: string, key: string][], rows: Row[]): string {
  return [columns.map(([h]) => h).join(","), ...rows.map((r) => columns.map(([, k]) => csvCell(r[k] ?? null)).join(","))].join("\n") + "\n";
}

// Polis's comments.csv and votes.csv layouts, with our extra columns at the end.
const VALUE_COLUMNS: [string, string][] = [
  ["timestamp", "timestamp"],
  ["datetime", "datetime"],
  ["comment-id", "valueId"],
  ["author-id", "authorId"],
  ["agrees", "support"],
  ["disagrees", "dissent"],
  ["moderated", "moderated"],
  ["comment-body", "body"],
  ["context-id", "contextId"],
  ["score", "score"],
  ["rank", "rank"],
];
const ENDORSEMENT_COLUMNS: [string, string][] = [
  ["timestamp", "timestamp"],
  ["datetime", "datetime"],
  ["comment-id", "valueId"],
  ["voter-id", "voterId"],
  ["vote", "vote"],
  ["context-id", "contextId"],
];
const JUDGMENT_COLUMNS: [string, string][] = [
  ["timestamp", "timestamp"],
  ["datetime", "datetime"],
  ["pair-id", "pairId"],
  ["from-comment-id", "fromValueId"],
  ["to-comment-id", "toValueId"],
  ["voter-id", "voterId"],
  ["answer", "answer"],
  ["context-id", "contextId"],
];

/** Open data downloads: /api/exports/{values,endorsements,judgments}.{csv,json}. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const match = /^(values|endorsements|judgments)\.(csv|json)$/.exec(params.file ?? "");
  if (!match) throw new Response("No such export.", { status: 404 });
  const [, kind, format] = match as unknown as [string, "values" | "endorsements" | "judgments", "csv" | "json"];
  const data = await api(request, () => context.trpc.exports.moralGraph());
  const rows: Row[] =
    kind === "values" ? data.values.map((v) => ({ ...v, moderated: 1, body: `${v.title}: ${v.description} [${v.policies.join(" | ")}]` })) : data[kind];
  const columns = kind === "values" ? VALUE_COLUMNS : kind === "endorsements" ? ENDORSEMENT_COLUMNS : JUDGMENT_COLUMNS;
  const body = format === "json" ? JSON.stringify(data[kind], null, 2) : csv(columns, rows);
  return new Response(body, {
    headers: {
      "Content-Type": format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="agora-${kind}.${format}"`,
      "Cache-Control": "public, max-age=60",
    },
  });
}
