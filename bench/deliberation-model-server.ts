/**
 * The scripted model for `npm run bench -- deliberation`, in a process of its own (a real model
 * computes elsewhere too): it answers each protocol task as the offline engine reasons, after a fixed
 * latency from the request's arrival, streamed in small chunks. Answers are remembered by request, so
 * after a warm-up run the timed runs cost this process next to nothing. Prints its URL on stdout.
 */
import { startScriptedServer } from "../deliberation/llm/scripted-server.js";
import { answerOffline } from "../deliberation/protocol/index.js";

const CHUNK = Number(process.env.BENCH_CHUNK ?? 16);
/** This representative approves nothing, so unanimity is out of reach and every round runs. */
const DISSENTER = "district-01";

const answers = new Map<string, unknown>();
const model = await startScriptedServer({
  latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 200),
  respond: (request) => {
    const key = `${request.task}\n${JSON.stringify(request.data)}`;
    let answer = answers.get(key) as Record<string, any> | undefined;
    if (!answer) {
      answer = (answerOffline(request.task, request.data) ?? undefined) as Record<string, any> | undefined;
      if (!answer) return { status: 400, message: "unexpected task" };
      if (request.task === "deliberation.critique" && (request.data as { representative: { id: string } }).representative.id === DISSENTER) {
        for (const a of answer.assessments) Object.assign(a, { approve: false, stance: "oppose" });
      }
      answers.set(key, answer);
    }
    return { json: answer, chunkSize: CHUNK };
  },
});
process.stdout.write(`${model.url}\n`);
// Report the most requests in flight at once when asked (a line on stdin), then go on.
process.stdin.on("data", () =>
  process.stdout.write(`${JSON.stringify({ maxInFlight: model.maxInFlight, received: model.received.length, cached: answers.size })}\n`),
);
