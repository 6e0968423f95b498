import type { LoaderFunctionArgs } from "@remix-run/node";
import { api } from "../utils/api.server";

/** A header-safe name for the file: the matter's title in ASCII letters and digits, then the ballot. */
function fileName(title: string, ballot: number): string {
  const slug = title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return `vote-receipt-${slug || "matter"}-ballot-${ballot}.json`;
}

/** The signed-in delegate's vote receipt, as a file to keep: the vote's ledger event, the chain's head, and once published the ruling's inclusion proof. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const receipt = await api(request, () => context.trpc.room.receipt({ id: params.id ?? "" }), context.locale);
  return new Response(JSON.stringify(receipt, null, 1), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${fileName(receipt.title, receipt.ballot)}"`,
      "cache-control": "no-store",
    },
  });
}
