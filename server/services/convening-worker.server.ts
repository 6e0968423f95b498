import { parentPort, workerData } from "node:worker_threads";
import { apportion, byDistrict, byValueCommunities, type CitizenHoldings, type Constituency } from "../../deliberation/constituencies.js";
import { type DomainErrorKind, isDomainError } from "../../deliberation/errors.js";
import { buildMandate, type Mandate } from "../../deliberation/mandates.js";

/**
 * Convening's computation, run in a `node:worker_threads` worker so that constituencies of a whole
 * census (1.3 M citizens) are drawn without holding the event loop: grouping by district or value
 * community, apportionment and mandates. The server (convening.server.ts) reads the registry in pages
 * and posts each page as it comes (each a short copy), then asks for the result; members come back as
 * indices into the citizens in the order they were posted, in buffers that are transferred, not
 * cloned. Stateless between convenings: a convening's pages are dropped with its answer.
 */

/** Marks the worker so that importing this module elsewhere (tests, convening inline) starts no listener. */
export const CONVENING_WORKER_MARK = "agora-convening-worker";

export type Scheme = "districts" | "value-communities";

export interface ConveningInput {
  scheme: Scheme;
  /** Moral-graph score and dissent per value id of the context, as [id, value] pairs. */
  scores: [string, number][];
  dissent: [string, number][];
}

export interface ComputedConstituency extends Omit<Constituency, "members"> {
  /** Indices of the members into the citizens as they were given. */
  members: Int32Array;
  weight: number;
  mandate: Mandate;
}

/** What the worker is sent: a page of citizens for convening `seq`, the request to compute it, or to drop it. */
export type ConveningMessage =
  | { seq: number; kind: "page"; citizens: CitizenHoldings[] }
  | { seq: number; kind: "compute"; input: ConveningInput }
  | { seq: number; kind: "drop" };

export type ConveningAnswer =
  | { seq: number; ok: true; constituencies: ComputedConstituency[] }
  | { seq: number; ok: false; message: string; domain?: { kind: DomainErrorKind; key: string; params: Record<string, string | number> } };

/** The constituencies of the citizens by the scheme, apportioned, each with its mandate (synchronous: what the worker runs). */
export function computeConvening(citizens: readonly CitizenHoldings[], input: ConveningInput): ComputedConstituency[] {
  const constituencies = input.scheme === "districts" ? byDistrict(citizens) : byValueCommunities(citizens).constituencies;
  const index = new Map<string, number>();
  for (const [i, c] of citizens.entries()) index.set(c.id, i);
  const weights = new Map(apportion(constituencies).map((a) => [a.id, a.weight]));
  const scores = new Map(input.scores);
  const dissent = new Map(input.dissent);
  return constituencies.map(({ members, ...c }) => {
    const at = Int32Array.from(members, (id) => index.get(id)!);
    const mandate = buildMandate({ constituencyId: c.id, members: Array.from(at, (i) => citizens[i]!), scores, dissent });
    return { ...c, members: at, weight: weights.get(c.id) ?? 0, mandate };
  });
}

if (parentPort && workerData === CONVENING_WORKER_MARK) {
  const port = parentPort;
  const gathered = new Map<number, CitizenHoldings[]>();
  port.on("message", (message: ConveningMessage) => {
    if (message.kind === "page") {
      const citizens = gathered.get(message.seq) ?? [];
      for (const c of message.citizens) citizens.push(c);
      gathered.set(message.seq, citizens);
      return;
    }
    const citizens = gathered.get(message.seq) ?? [];
    gathered.delete(message.seq);
    if (message.kind === "drop") return;
    let answer: ConveningAnswer;
    try {
      answer = { seq: message.seq, ok: true, constituencies: computeConvening(citizens, message.input) };
    } catch (error) {
      const message_ = error instanceof Error ? error.message : String(error);
      answer = isDomainError(error)
        ? { seq: message.seq, ok: false, message: message_, domain: { kind: error.kind, key: error.key, params: error.params } }
        : { seq: message.seq, ok: false, message: message_ };
    }
    port.postMessage(answer, answer.ok ? answer.constituencies.map((c) => c.members.buffer as ArrayBuffer) : []);
  });
}
