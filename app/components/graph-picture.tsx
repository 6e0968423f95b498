interface Node {
  id: string;
  title: string;
  score: number;
  rank: number | null;
}
interface Edge {
  from: string;
  to: string;
  likelihood: number;
}

const SIZE = 520;
const CENTER = SIZE / 2;

/**
 * The moral graph as a picture: values on a circle in rank order (highest at the top), circle
 * area by score, arrows toward the value judged wiser. Purely visual: the ranked table beside it
 * carries the same information for screen readers.
 */
export function GraphPicture({ nodes, edges, label }: { nodes: Node[]; edges: Edge[]; label: string }) {
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
        return (
          <g key={node.id}>
            <circle cx={x} cy={y} r={r} fill="#0b5cad" fillOpacity={0.25 + 0.6 * (node.score / max)} stroke="#0b5cad" strokeWidth={2} />
            <text x={x} y={below ? y + r + 16 : y - r - 8} textAnchor="middle" fontSize="14" fill="#1b1f24">
              {node.rank ? `${node.rank}. ` : ""}
              {node.title.length > 26 ? `${node.title.slice(0, 25)}…` : node.title}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
