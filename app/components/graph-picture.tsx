import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";
import { useLocale } from "../i18n";
import { writtenLang } from "../i18n/written";

type GraphView = inferRouterOutputs<AppRouter>["graph"]["view"];
/** A ranked value as graph.view gives it; `mine` marks hers (a canonical value she holds or whose card she wrote). */
type Node = Pick<GraphView["values"][number], "id" | "title" | "score" | "rank" | "mine">;
type Edge = Pick<GraphView["edges"][number], "from" | "to" | "likelihood">;

const WIDTH = 700;
const HEIGHT = 520;
const CX = WIDTH / 2;
const CY = HEIGHT / 2;
/** Characters on a label's line, and its lines: a longer title ends in "…" (the ranking names it whole). */
const LINE = 20;
const LINES = 2;

/** A title in at most LINES lines of about LINE characters, broken between words. */
export function labelLines(title: string): string[] {
  const lines: string[] = [];
  let line = "";
  // A rank ("2.") stays with the word after it, however long that word is.
  const words = title.split(/\s+/).filter(Boolean);
  if (words.length > 1 && /^\d+\.$/.test(words[0]!)) words.splice(0, 2, `${words[0]} ${words[1]}`);
  for (const word of words) {
    if (line && line.length + 1 + word.length > LINE) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  const fit = (l: string) => (l.length > LINE ? `${l.slice(0, LINE - 1)}…` : l);
  if (lines.length <= LINES) return lines.map(fit);
  const kept = lines.slice(0, LINES).map(fit);
  const last = kept[LINES - 1]!;
  if (!last.endsWith("…")) kept[LINES - 1] = `${last.length >= LINE ? last.slice(0, LINE - 1) : last}…`;
  return kept;
}

/**
 * Where a node's label goes: outward from the circle, so that it never lies on the arrows between
 * nodes. Beside a node on the left or right (anchored away from it), above the top one, below the bottom one.
 */
function labelPlace(x: number, y: number, r: number, angle: number, lines: number, compact: boolean) {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const lineHeight = compact ? 32 : 18;
  if (Math.abs(cos) < 0.35) {
    // Top or bottom: centred, above or below.
    return sin < 0
      ? { x, y: y - r - 10 - (lines - 1) * lineHeight, anchor: "middle" as const }
      : { x, y: y + r + (compact ? 30 : 18), anchor: "middle" as const };
  }
  const gap = r + 8;
  return { x: x + (cos > 0 ? gap : -gap), y: y + 5 - ((lines - 1) * lineHeight) / 2, anchor: cos > 0 ? ("start" as const) : ("end" as const) };
}

/**
 * The moral graph as a picture: values on a circle in rank order (highest at the top), circle
 * area by score, arrows toward the value judged wiser. Purely visual: the ranked table beside it
 * carries the same information for screen readers. Her own values get a thick ring and "Your value";
 * on a phone (compact) the labels are rank numbers in large type, and the list names them.
 */
export function GraphPicture({
  nodes,
  edges,
  label,
  compact = false,
  yours,
}: {
  nodes: Node[];
  edges: Edge[];
  label: string;
  compact?: boolean;
  yours: string;
}) {
  const locale = useLocale();
  const max = Math.max(...nodes.map((n) => n.score), 1e-9);
  const ring = CY - 130; // room for labels above and below; the sides have more
  const place = new Map(
    nodes.map((n, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(nodes.length, 1);
      return [n.id, { x: CX + ring * Math.cos(angle), y: CY + ring * Math.sin(angle), r: 8 + 22 * Math.sqrt(n.score / max), angle, node: n }];
    }),
  );
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} className="graph-picture">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#4f5661" />
        </marker>
      </defs>
      {edges.map((e) => {
        const a = place.get(e.from);
        const b = place.get(e.to);
        if (!a || !b) return null;
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const d = Math.hypot(dx, dy) || 1;
        return (
          <line
            key={`${e.from}-${e.to}`}
            x1={a.x + (dx / d) * a.r}
            y1={a.y + (dy / d) * a.r}
            x2={b.x - (dx / d) * (b.r + 3)}
            y2={b.y - (dy / d) * (b.r + 3)}
            stroke="#4f5661"
            strokeWidth={1 + 3 * e.likelihood}
            markerEnd="url(#arrow)"
            opacity={0.75}
          />
        );
      })}
      {[...place.values()].map(({ x, y, r, angle, node }) => {
        const lines = compact ? [`${node.rank ?? "·"}${node.mine ? " ★" : ""}`] : labelLines(`${node.rank ? `${node.rank}. ` : ""}${node.title}`);
        const mark = !compact && node.mine ? 1 : 0;
        const at = labelPlace(x, y, r, angle, lines.length + mark, compact);
        return (
          <g key={node.id} className={node.mine ? "node mine" : "node"}>
            <circle
              cx={x}
              cy={y}
              r={r}
              fill="#0b5cad"
              fillOpacity={0.25 + 0.6 * (node.score / max)}
              stroke={node.mine ? "#8a4b00" : "#0b5cad"}
              strokeWidth={node.mine ? 6 : 2}
            />
            <text
              x={at.x}
              y={at.y}
              textAnchor={at.anchor}
              fontSize={compact ? 30 : 16}
              fontWeight={compact ? 700 : undefined}
              fill="#1b1f24"
              lang={compact ? undefined : writtenLang(locale, node.title)}
            >
              <tspan x={at.x}>{lines[0]}</tspan>
              {lines[1] ? (
                <tspan x={at.x} dy="18">
                  {lines[1]}
                </tspan>
              ) : null}
              {mark ? (
                <tspan x={at.x} dy="18" fontWeight={700} fill="#8a4b00">
                  ★ {yours}
                </tspan>
              ) : null}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
