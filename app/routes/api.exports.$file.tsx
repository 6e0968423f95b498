import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";
import { type CsvValue, csvHeader, csvLines } from "../../server/services/exports.server";

type Row = Record<string, CsvValue>;

/** Open data downloads: /api/exports/{values,endorsements,judgments}.{csv,json}, streamed a page of rows at a time (issue 15). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const match = /^(values|endorsements|judgments)\.(csv|json)$/.exec(params.file ?? "");
  if (!match) throw new Response("No such export.", { status: 404 });
  const [, kind, format] = match as unknown as [string, "values" | "endorsements" | "judgments", "csv" | "json"];
  const pages = (await api(request, () => context.trpc.exports.pages({ kind }))) as AsyncIterable<Row[]>;
  const iterator = pages[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let first = true;
  // Pulled as the client reads: a slow download holds no page beyond the one it is sending.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(format === "json" ? "[" : csvHeader(kind)));
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
      } else text = csvLines(kind, next.value);
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
