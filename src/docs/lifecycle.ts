import { DocsError } from './errors';
import { escapeHtml } from './escape';
import { isRecord } from '../util/records';

// A run's lifecycle, drawn from the allowed-transitions table of the order rules: never a hand-made picture. The
// layout is a small layered drawing: states placed by their longest path from the start (back edges removed),
// terminals in the last column, forward edges that skip columns as arcs, back edges and self-loops marked apart.

/** The run's state machine as the rules state it. */
export interface Lifecycle {
  start: string;
  terminals: string[];
  /** Every state, in table order (start first when the table does not list it). */
  states: string[];
  /** Every allowed transition, in table order. */
  edges: { from: string; to: string }[];
  /** The open/close events of a tool call, matched by `key` (from the pair rules), when both are states. */
  pair?: { open: string; close: string; key?: string };
  /** Id of the rule the table came from. */
  rule?: string;
}

/**
 * Builds the lifecycle from an allowed-transitions table (`{ start, terminals, transitions: { state: [next...] } }`,
 * as in `contracts/rules/order.yaml`). Throws `DocsError` `DOCS_INPUT_INVALID` when the table is malformed.
 *
 * @example
 * const lifecycle = lifecycleFromTable({
 *   start: 'started', terminals: ['done'], transitions: { started: ['working', 'done'], working: ['done'], done: [] },
 * });
 * lifecycle.edges.length; // 3
 */
export function lifecycleFromTable(
  params: Record<string, unknown>,
  extra: { pair?: Lifecycle['pair']; rule?: string } = {},
): Lifecycle {
  const where = extra.rule !== undefined ? `rule ${extra.rule}` : 'transitions table';
  const bad = (what: string): DocsError => new DocsError('DOCS_INPUT_INVALID', `${where}: ${what}`);
  const { start, terminals, transitions } = params;
  if (typeof start !== 'string' || start === '') throw bad('"start" must be a state name');
  if (!Array.isArray(terminals) || !terminals.every((t): t is string => typeof t === 'string')) {
    throw bad('"terminals" must be a list of state names');
  }
  if (!isRecord(transitions)) throw bad('"transitions" must map each state to the states that may follow it');
  const states: string[] = [];
  const addState = (s: string): void => {
    if (!states.includes(s)) states.push(s);
  };
  addState(start);
  for (const from of Object.keys(transitions)) addState(from);
  const edges: Lifecycle['edges'] = [];
  for (const [from, next] of Object.entries(transitions)) {
    if (next === null) continue;
    if (!Array.isArray(next) || !next.every((n): n is string => typeof n === 'string')) {
      throw bad(`transitions of "${from}" must be a list of state names`);
    }
    for (const to of next) {
      addState(to);
      if (!edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to });
    }
  }
  for (const t of terminals) addState(t);
  const pair =
    extra.pair !== undefined && states.includes(extra.pair.open) && states.includes(extra.pair.close)
      ? extra.pair
      : undefined;
  return {
    start,
    terminals: [...terminals],
    states,
    edges,
    ...(pair !== undefined ? { pair } : {}),
    ...(extra.rule !== undefined ? { rule: extra.rule } : {}),
  };
}

type EdgeKind = 'forward' | 'back' | 'self';

interface PlacedNode {
  state: string;
  layer: number;
  x: number;
  y: number;
}

const NODE_H = 36;
const GAP_X = 64;
const GAP_Y = 34;
const CHAR_W = 7.4;
const MARGIN = 16;
const START_MARK = 34;

/** Classifies edges by a depth-first search from the start, in table order: back edges close a cycle. */
function classify(lifecycle: Lifecycle): Map<string, EdgeKind> {
  const kinds = new Map<string, EdgeKind>();
  const successors = new Map<string, string[]>(lifecycle.states.map((s) => [s, []]));
  for (const e of lifecycle.edges) (successors.get(e.from) as string[]).push(e.to);
  const onStack = new Set<string>();
  const visited = new Set<string>();
  const visit = (state: string): void => {
    visited.add(state);
    onStack.add(state);
    for (const next of successors.get(state) ?? []) {
      const key = `${state}\u0000${next}`;
      if (next === state) kinds.set(key, 'self');
      else if (onStack.has(next)) kinds.set(key, 'back');
      else {
        kinds.set(key, 'forward');
        if (!visited.has(next)) visit(next);
      }
    }
    onStack.delete(state);
  };
  for (const state of [lifecycle.start, ...lifecycle.states]) if (!visited.has(state)) visit(state);
  return kinds;
}

/** Longest-path layers over forward edges; terminals share the last column. */
function layers(lifecycle: Lifecycle, kinds: Map<string, EdgeKind>): Map<string, number> {
  const layer = new Map<string, number>(lifecycle.states.map((s) => [s, 0]));
  const terminals = new Set(lifecycle.terminals);
  // Relax forward edges until stable: the forward graph is acyclic, so at most |states| rounds.
  for (let round = 0; round < lifecycle.states.length; round++) {
    let changed = false;
    for (const e of lifecycle.edges) {
      if (kinds.get(`${e.from}\u0000${e.to}`) !== 'forward') continue;
      const candidate = (layer.get(e.from) as number) + 1;
      if (candidate > (layer.get(e.to) as number)) {
        layer.set(e.to, candidate);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const inner = lifecycle.states.filter((s) => !terminals.has(s));
  const last = Math.max(0, ...inner.map((s) => layer.get(s) as number)) + 1;
  for (const t of lifecycle.terminals) if (t !== lifecycle.start) layer.set(t, last);
  return layer;
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** An edge drawn as an arc over or under the row (back edges, and forward edges that skip columns). */
interface Arc {
  from: string;
  to: string;
  kind: EdgeKind;
  side: 'top' | 'bottom';
  height: number;
}

/** The drawing being built: node placement, the vertical extent reached so far, and the SVG parts. */
class LifecycleDrawing {
  readonly nodeW: number;
  readonly placed = new Map<string, PlacedNode>();
  minY: number;
  maxY: number;
  private readonly kinds: Map<string, EdgeKind>;

  constructor(private readonly lifecycle: Lifecycle) {
    this.kinds = classify(lifecycle);
    const layerOf = layers(lifecycle, this.kinds);
    this.nodeW = Math.ceil(Math.max(...lifecycle.states.map((s) => s.length)) * CHAR_W + 28);
    const columns = new Map<number, string[]>();
    for (const s of lifecycle.states) {
      const l = layerOf.get(s) as number;
      columns.set(l, [...(columns.get(l) ?? []), s]);
    }
    for (const [l, members] of columns) {
      members.forEach((state, i) => {
        const offset = (i - (members.length - 1) / 2) * (NODE_H + GAP_Y);
        this.placed.set(state, { state, layer: l, x: START_MARK + l * (this.nodeW + GAP_X), y: offset - NODE_H / 2 });
      });
    }
    this.minY = Math.min(...[...this.placed.values()].map((n) => n.y)) - 24;
    this.maxY = Math.max(...[...this.placed.values()].map((n) => n.y + NODE_H)) + 24;
  }

  node(state: string): PlacedNode {
    return this.placed.get(state) as PlacedNode;
  }

  /** Sorts the edges into straight links between neighbouring columns, arcs, and self-loops. */
  private sortEdges(): { straight: { from: string; to: string }[]; arcs: Arc[]; selfLoops: string[] } {
    const arcs: Arc[] = [];
    const straight: { from: string; to: string }[] = [];
    const selfLoops: string[] = [];
    for (const e of this.lifecycle.edges) {
      const kind = this.kinds.get(`${e.from}\u0000${e.to}`) as EdgeKind;
      if (kind === 'self') {
        selfLoops.push(e.from);
        continue;
      }
      const a = this.node(e.from);
      const b = this.node(e.to);
      const span = Math.abs(b.layer - a.layer);
      if (kind === 'forward' && span === 1) {
        straight.push(e);
        continue;
      }
      // Back edges run below the row; forward arcs go over, except into a state below the middle row.
      const side: Arc['side'] = kind === 'back' || b.y + NODE_H / 2 > 0 ? 'bottom' : 'top';
      arcs.push({ ...e, kind, side, height: 22 + 20 * Math.max(span, 1) + (kind === 'back' ? 6 : 0) });
    }
    return { straight, arcs, selfLoops };
  }

  /** Arcs leave and enter nodes through their top or bottom; the ports of each side are spread along the node. */
  private portsOf(arcs: Arc[]): (state: string, side: string, id: string) => number {
    const ports = new Map<string, string[]>(); // `${state}|${side}` -> arc keys in order
    for (const arc of arcs) {
      for (const [state, end] of [
        [arc.from, 'out'],
        [arc.to, 'in'],
      ] as const) {
        const key = `${state}|${arc.side}`;
        ports.set(key, [...(ports.get(key) ?? []), `${arc.from}\u0000${arc.to}\u0000${end}`]);
      }
    }
    return (state, side, id) => {
      const list = ports.get(`${state}|${side}`) as string[];
      const i = list.indexOf(id);
      const n = this.node(state);
      const usable = this.nodeW * 0.7; // leave the top-right corner to self-loops
      return n.x + this.nodeW * 0.1 + (usable * (i + 1)) / (list.length + 1);
    };
  }

  /** One `<path>` per allowed transition. */
  edgePaths(): string[] {
    const { straight, arcs, selfLoops } = this.sortEdges();
    const portX = this.portsOf(arcs);
    const nodeW = this.nodeW;
    const paths: string[] = [];
    for (const e of straight) {
      const a = this.node(e.from);
      const b = this.node(e.to);
      const [x1, y1, x2, y2] = [a.x + nodeW, a.y + NODE_H / 2, b.x - 2, b.y + NODE_H / 2];
      const dx = (x2 - x1) / 2;
      const d = `M${fmt(x1)} ${fmt(y1)} C${fmt(x1 + dx)} ${fmt(y1)} ${fmt(x2 - dx)} ${fmt(y2)} ${fmt(x2)} ${fmt(y2)}`;
      paths.push(edgePath(e.from, e.to, 'forward', d));
    }
    for (const arc of arcs) {
      const a = this.node(arc.from);
      const b = this.node(arc.to);
      const x1 = portX(arc.from, arc.side, `${arc.from}\u0000${arc.to}\u0000out`);
      const x2 = portX(arc.to, arc.side, `${arc.from}\u0000${arc.to}\u0000in`);
      const top = arc.side === 'top';
      const y1 = top ? a.y : a.y + NODE_H;
      const y2 = top ? b.y - 2 : b.y + NODE_H + 2;
      const reach = top ? Math.min(y1, y2) - arc.height : Math.max(y1, y2) + arc.height;
      this.minY = Math.min(this.minY, reach);
      this.maxY = Math.max(this.maxY, reach);
      const d = `M${fmt(x1)} ${fmt(y1)} C${fmt(x1)} ${fmt(reach)} ${fmt(x2)} ${fmt(reach)} ${fmt(x2)} ${fmt(y2)}`;
      paths.push(edgePath(arc.from, arc.to, arc.kind, d));
    }
    for (const state of selfLoops) {
      const n = this.node(state);
      const x = n.x + nodeW - 14;
      const d = `M${fmt(x)} ${fmt(n.y)} C${fmt(x)} ${fmt(n.y - 30)} ${fmt(n.x + nodeW + 26)} ${fmt(n.y - 12)} ${fmt(n.x + nodeW + 2)} ${fmt(n.y + 9)}`;
      this.minY = Math.min(this.minY, n.y - 30);
      paths.push(edgePath(state, state, 'self', d));
    }
    return paths;
  }

  /** One `<g class="lc-node">` per state; terminals get a double border. */
  nodeShapes(): string[] {
    const terminals = new Set(this.lifecycle.terminals);
    const nodeW = this.nodeW;
    return this.lifecycle.states.map((s) => {
      const n = this.node(s);
      const classes = ['lc-node', s === this.lifecycle.start ? 'lc-start' : '', terminals.has(s) ? 'lc-terminal' : '']
        .filter(Boolean)
        .join(' ');
      const inner = terminals.has(s)
        ? `<rect class="lc-inner" x="${fmt(n.x + 3)}" y="${fmt(n.y + 3)}" width="${nodeW - 6}" height="${NODE_H - 6}" rx="5"/>`
        : '';
      return (
        `<g class="${classes}" data-state="${escapeHtml(s)}"><rect x="${fmt(n.x)}" y="${fmt(n.y)}" width="${nodeW}" height="${NODE_H}" rx="8"/>${inner}` +
        `<text x="${fmt(n.x + nodeW / 2)}" y="${fmt(n.y + NODE_H / 2 + 4)}">${escapeHtml(s)}</text></g>`
      );
    });
  }

  startMark(): string {
    const start = this.node(this.lifecycle.start);
    const y = fmt(start.y + NODE_H / 2);
    return (
      `<circle class="lc-dot" cx="${fmt(start.x - START_MARK + 8)}" cy="${y}" r="6"/>` +
      `<path class="lc-edge lc-entry" d="M${fmt(start.x - START_MARK + 14)} ${y} L${fmt(start.x - 2)} ${y}" marker-end="url(#lc-arrow)"/>`
    );
  }

  /** The dashed frame around the tool pair, when there is one. */
  pairFrame(): string {
    const pair = this.lifecycle.pair;
    if (pair === undefined) return '';
    const a = this.node(pair.open);
    const b = this.node(pair.close);
    const x = Math.min(a.x, b.x) - 10;
    const y = Math.min(a.y, b.y) - 10;
    const w = Math.max(a.x, b.x) + this.nodeW + 10 - x;
    const h = Math.max(a.y, b.y) + NODE_H + 24 - y;
    const label = `tool pair${pair.key !== undefined ? `: same ${pair.key}` : ''}`;
    this.maxY = Math.max(this.maxY, y + h + 4);
    return (
      `<g class="lc-pair" data-open="${escapeHtml(pair.open)}" data-close="${escapeHtml(pair.close)}">` +
      `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(w)}" height="${fmt(h)}" rx="12"/>` +
      `<text x="${fmt(x + w - 8)}" y="${fmt(y + h - 6)}">${escapeHtml(label)}</text></g>`
    );
  }
}

function edgePath(from: string, to: string, kind: EdgeKind, d: string): string {
  const title = `<title>${escapeHtml(from)} → ${escapeHtml(to)}</title>`;
  return `<path class="lc-edge lc-${kind}" data-from="${escapeHtml(from)}" data-to="${escapeHtml(to)}" d="${d}" marker-end="url(#lc-arrow)">${title}</path>`;
}

/**
 * Draws the lifecycle as an inline SVG: one `<g class="lc-node" data-state>` per state and one
 * `<path class="lc-edge" data-from data-to>` per allowed transition, a start marker, terminals with a double
 * border, and a dashed frame around the tool pair. Styled by the page's CSS classes; deterministic.
 *
 * @example
 * const svg = lifecycleSvg(lifecycleFromTable({ start: 'a', terminals: ['b'], transitions: { a: ['b'], b: [] } }));
 * svg.includes('data-from="a" data-to="b"'); // true
 */
export function lifecycleSvg(lifecycle: Lifecycle): string {
  const drawing = new LifecycleDrawing(lifecycle);
  const pairFrame = drawing.pairFrame();
  const paths = drawing.edgePaths();
  const startMark = drawing.startMark();
  const nodes = drawing.nodeShapes();
  const maxLayer = Math.max(...[...drawing.placed.values()].map((n) => n.layer));
  const width = START_MARK + (maxLayer + 1) * drawing.nodeW + maxLayer * GAP_X + 30 + MARGIN * 2;
  const viewTop = Math.floor(drawing.minY - MARGIN);
  const height = Math.ceil(drawing.maxY + MARGIN) - viewTop;
  const summary = lifecycle.edges.map((e) => `${e.from} → ${e.to}`).join('; ');
  return [
    `<svg class="lifecycle" viewBox="${-MARGIN} ${viewTop} ${Math.ceil(width)} ${height}" width="${Math.ceil(width)}" height="${height}" role="img" aria-labelledby="lc-title lc-desc">`,
    `<title id="lc-title">Run lifecycle: starts at ${escapeHtml(lifecycle.start)}, ends at ${escapeHtml(lifecycle.terminals.join(' or '))}</title>`,
    `<desc id="lc-desc">Allowed transitions: ${escapeHtml(summary)}</desc>`,
    '<defs><marker id="lc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z"/></marker></defs>',
    pairFrame,
    ...paths,
    startMark,
    ...nodes,
    '</svg>',
  ].join('\n');
}
