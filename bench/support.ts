import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** Shared by the benchmarks: percentiles, a readable table, and the last-line JSON summary. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function table(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]!);
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  console.log(line(keys));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(keys.map((k) => String(row[k]))));
}

/** The last line of every benchmark: one JSON object whose names carry their unit. */
export function summary(bench: string, figures: Record<string, number | string>): void {
  console.log(JSON.stringify({ bench, ...figures }));
}

/**
 * The `{"url", …}` line a bench's server process prints on stdout once it listens. Its log lines (JSON
 * too) are passed on to stderr, before and after, so the pipe never fills and blocks the server.
 */
export function addressOf<T extends { url: string }>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let found = false;
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const parsed = found ? null : parseObject(line);
      if (parsed && typeof parsed.url === "string") {
        found = true;
        resolve(parsed as T);
      } else process.stderr.write(`${line}\n`);
    });
    child.once("exit", (code, signal) => {
      if (!found) reject(new Error(`the bench's server ended (${code ?? signal}) before it listened`));
    });
  });
}

function parseObject(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux; NaN elsewhere). */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in ticks of 1/100 s.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
