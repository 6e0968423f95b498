import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router.server";

type GraphView = inferRouterOutputs<AppRouter>["graph"]["view"];
/** A ranked value as graph.view gives it; `mine` marks hers (a canonical value she holds or whose card she wrote). */
type Node = Pick<GraphView["values"][number], "id" | "title" | "score" | "rank" | "mine">;
type Edge = Pick<GraphView["edges"][number], "from" | "to" | "likelihood">;

const SIZE = 520;
const CENTER = SIZE / 2;

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
  const max = Math.max(...nodes.map((n) => n.score), 1e-9);
  const ring = CENTER - 130; // room for labels on every side
  const place = new Map(
    nodes.map((n, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(nodes.length, 1);
      return [n.id, { x: CENTER + ring * Math.cos(angle), y: CENTER + ring * Math.sin(angle), r: 8 + 22 * Math.sqrt(n.score / max), node: n }];
    }),
  );
  return (
    <svg viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-label={label} className="graph-picture">
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
      {[...place.values()].map(({ x, y, r, node }) => {
        const below = y > CENTER;
        const short = node.title.length > 26 ? `${node.title.slice(0, 25)}…` : node.title;
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
            {compact ? (
              <text x={x} y={below ? y + r + 34 : y - r - 12} textAnchor="middle" fontSize="30" fontWeight={700} fill="#1b1f24">
                {node.rank ?? "·"}
                {node.mine ? " ★" : ""}
              </text>
            ) : (
              <text x={x} y={below ? y + r + 16 : y - r - (node.mine ? 24 : 8)} textAnchor="middle" fontSize="14" fill="#1b1f24">
                {node.rank ? `${node.rank}. ` : ""}
                {short}
                {node.mine ? (
                  <tspan x={x} dy="16" fontWeight={700} fill="#8a4b00">
                    ★ {yours}
                  </tspan>
                ) : null}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
