import { parentPort, workerData } from "node:worker_threads";
import { type CardTree, cardTrees } from "../../deliberation/provenance.js";

/**
 * A ruling's card trees (provenance.ts `cardTrees`: a count and a Merkle root per mandate value),
 * computed in a `node:worker_threads` worker: at national participation the mandates stand on 130,000
 * cards, two hashes each, and computing them held the event loop for most of a second. The server
 * posts the cards a page at a time as it reads them (each a short copy), then asks for the trees.
 * Stateless between publications: a publication's cards are dropped with its answer.
 */

/** Marks the worker so that importing this module elsewhere starts no listener. */
export const CARD_TREES_WORKER_MARK = "agora-card-trees-worker";

/** A card behind a mandate value: her card, her constituency and the value. */
export interface CardEntry {
  card: string;
  constituency: string;
  value: string;
}

export type CardTreesMessage = { seq: number; kind: "cards"; entries: CardEntry[] } | { seq: number; kind: "trees" } | { seq: number; kind: "drop" };

export type CardTreesAnswer = { seq: number; ok: true; trees: CardTree[] } | { seq: number; ok: false; message: string };

if (parentPort && workerData === CARD_TREES_WORKER_MARK) {
  const port = parentPort;
  const gathered = new Map<number, CardEntry[]>();
  port.on("message", (message: CardTreesMessage) => {
    if (message.kind === "cards") {
      const entries = gathered.get(message.seq) ?? [];
      for (const e of message.entries) entries.push(e);
      gathered.set(message.seq, entries);
      return;
    }
    const entries = gathered.get(message.seq) ?? [];
    gathered.delete(message.seq);
    if (message.kind === "drop") return;
    let answer: CardTreesAnswer;
    try {
      // The bundle publishes counts and roots; the server has the cards already.
      answer = {
        seq: message.seq,
        ok: true,
        trees: cardTrees(entries).map(({ constituencyId, valueId, count, root }) => ({ constituencyId, valueId, count, root })),
      };
    } catch (error) {
      answer = { seq: message.seq, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(answer);
  });
}
