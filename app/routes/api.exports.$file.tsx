import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

type Row = Record<string, string | number | null | string[]>;

function csvCell(value: Row[string]): string {
  const text = Array.isArray(value) ? value.join(" | ") : value === null ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A value as Polis writes a comment: one body of title, description and policies. */
function valueRow(v: Row): Row {
  const policies = (v.policies ?? []) as string[];
  return { ...v, moderated: 1, body: `${v.title}: ${v.description} [${policies.join(" | ")}]` };
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

/** Open data downloads: /api/exports/{values,endorsements,judgments}.{csv,json}, streamed a page of rows at a time (issue 15). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const match = /^(values|endorsements|judgments)\.(csv|json)$/.exec(params.file ?? "");
  if (!match) throw new Response("No such export.", { status: 404 });
  const [, kind, format] = match as unknown as [string, "values" | "endorsements" | "judgments", "csv" | "json"];
  const pages = (await api(request, () => context.trpc.exports.pages({ kind }))) as AsyncIterable<Row[]>;
  const iterator = pages[Symbol.asyncIterator]();
  const columns = kind === "values" ? VALUE_COLUMNS : kind === "endorsements" ? ENDORSEMENT_COLUMNS : JUDGMENT_COLUMNS;
  const encoder = new TextEncoder();
  let first = true;
  // Pulled as the client reads: a slow download holds no page beyond the one it is sending.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === "json" ? "[" : `${columns.map(([h]) => h).join(",")}\n`));
    },
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        if (format === "json") controller.enqueue(encoder.encode(first ? "]\n" : "\n]\n"));
        controller.close();
        return;
      }
      let text: string;
      if (format === "json") {
        text = next.value
          .map((row) => {
            const separator = first ? "\n  " : ",\n  ";
            first = false;
            return separator + JSON.stringify(row);
          })
          .join("");
      } else {
        const rows = kind === "values" ? next.value.map(valueRow) : next.value;
        text = rows.map((r) => `${columns.map(([, k]) => csvCell(r[k] ?? null)).join(",")}\n`).join("");
      }
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": format === "json" ? "application/json; charset=utf-8" : "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="agora-${kind}.${format}"`,
      "Cache-Control": "public, max-age=60",
    },
  });
}
