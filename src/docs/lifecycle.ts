import { DocsError } from './errors';
import { escapeHtml } from './escape';

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  const kinds = classify(lifecycle);
  const layerOf = layers(lifecycle, kinds);
  const nodeW = Math.ceil(Math.max(...lifecycle.states.map((s) => s.length)) * CHAR_W + 28);
  const columns = new Map<number, string[]>();
  for (const s of lifecycle.states) {
    const l = layerOf.get(s) as number;
    columns.set(l, [...(columns.get(l) ?? []), s]);
  }
  const placed = new Map<string, PlacedNode>();
  for (const [l, members] of columns) {
    members.forEach((state, i) => {
      const offset = (i - (members.length - 1) / 2) * (NODE_H + GAP_Y);
      placed.set(state, { state, layer: l, x: START_MARK + l * (nodeW + GAP_X), y: offset - NODE_H / 2 });
    });
  }
  const node = (s: string): PlacedNode => placed.get(s) as PlacedNode;

  // Arcs leave and enter nodes through their top or bottom; spread the ports of each side along the node.
  interface Arc {
    from: string;
    to: string;
    kind: EdgeKind;
    side: 'top' | 'bottom';
    height: number;
  }
  const arcs: Arc[] = [];
  const straight: { from: string; to: string }[] = [];
  const selfLoops: string[] = [];
  for (const e of lifecycle.edges) {
    const kind = kinds.get(`${e.from}\u0000${e.to}`) as EdgeKind;
    if (kind === 'self') {
      selfLoops.push(e.from);
      continue;
    }
    const a = node(e.from);
    const b = node(e.to);
    const span = Math.abs(b.layer - a.layer);
    if (kind === 'forward' && span === 1) {
      straight.push(e);
      continue;
    }
    // Back edges run below the row; forward arcs go over, except into a state below the middle row.
    const side: Arc['side'] = kind === 'back' || b.y + NODE_H / 2 > 0 ? 'bottom' : 'top';
    arcs.push({ ...e, kind, side, height: 22 + 20 * Math.max(span, 1) + (kind === 'back' ? 6 : 0) });
  }
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
  const portX = (state: string, side: string, id: string): number => {
    const list = ports.get(`${state}|${side}`) as string[];
    const i = list.indexOf(id);
    const n = node(state);
    const usable = nodeW * 0.7; // leave the top-right corner to self-loops
    return n.x + nodeW * 0.1 + (usable * (i + 1)) / (list.length + 1);
  };

  let minY = Math.min(...[...placed.values()].map((n) => n.y)) - 24;
  let maxY = Math.max(...[...placed.values()].map((n) => n.y + NODE_H)) + 24;
  const paths: string[] = [];
  const edgeTitle = (from: string, to: string): string => `<title>${escapeHtml(from)} → ${escapeHtml(to)}</title>`;
  const edgePath = (from: string, to: string, kind: EdgeKind, d: string): string =>
    `<path class="lc-edge lc-${kind}" data-from="${escapeHtml(from)}" data-to="${escapeHtml(to)}" d="${d}" marker-end="url(#lc-arrow)">${edgeTitle(from, to)}</path>`;

  for (const e of straight) {
    const a = node(e.from);
    const b = node(e.to);
    const x1 = a.x + nodeW;
    const y1 = a.y + NODE_H / 2;
    const x2 = b.x - 2;
    const y2 = b.y + NODE_H / 2;
    const dx = (x2 - x1) / 2;
    paths.push(
      edgePath(
        e.from,
        e.to,
        'forward',
        `M${fmt(x1)} ${fmt(y1)} C${fmt(x1 + dx)} ${fmt(y1)} ${fmt(x2 - dx)} ${fmt(y2)} ${fmt(x2)} ${fmt(y2)}`,
      ),
    );
  }
  for (const arc of arcs) {
    const a = node(arc.from);
    const b = node(arc.to);
    const x1 = portX(arc.from, arc.side, `${arc.from}\u0000${arc.to}\u0000out`);
    const x2 = portX(arc.to, arc.side, `${arc.from}\u0000${arc.to}\u0000in`);
    const top = arc.side === 'top';
    const y1 = top ? a.y : a.y + NODE_H;
    const y2 = top ? b.y - 2 : b.y + NODE_H + 2;
    const reach = top ? Math.min(y1, y2) - arc.height : Math.max(y1, y2) + arc.height;
    minY = Math.min(minY, reach);
    maxY = Math.max(maxY, reach);
    paths.push(
      edgePath(
        arc.from,
        arc.to,
        arc.kind,
        `M${fmt(x1)} ${fmt(y1)} C${fmt(x1)} ${fmt(reach)} ${fmt(x2)} ${fmt(reach)} ${fmt(x2)} ${fmt(y2)}`,
      ),
    );
  }
  for (const state of selfLoops) {
    const n = node(state);
    const x = n.x + nodeW - 14;
    const d = `M${fmt(x)} ${fmt(n.y)} C${fmt(x)} ${fmt(n.y - 30)} ${fmt(n.x + nodeW + 26)} ${fmt(n.y - 12)} ${fmt(n.x + nodeW + 2)} ${fmt(n.y + 9)}`;
    minY = Math.min(minY, n.y - 30);
    paths.push(edgePath(state, state, 'self', d));
  }

  const terminals = new Set(lifecycle.terminals);
  const nodes: string[] = [];
  for (const s of lifecycle.states) {
    const n = node(s);
    const classes = ['lc-node', s === lifecycle.start ? 'lc-start' : '', terminals.has(s) ? 'lc-terminal' : '']
      .filter(Boolean)
      .join(' ');
    const inner = terminals.has(s)
      ? `<rect class="lc-inner" x="${fmt(n.x + 3)}" y="${fmt(n.y + 3)}" width="${nodeW - 6}" height="${NODE_H - 6}" rx="5"/>`
      : '';
    nodes.push(
      `<g class="${classes}" data-state="${escapeHtml(s)}"><rect x="${fmt(n.x)}" y="${fmt(n.y)}" width="${nodeW}" height="${NODE_H}" rx="8"/>${inner}` +
        `<text x="${fmt(n.x + nodeW / 2)}" y="${fmt(n.y + NODE_H / 2 + 4)}">${escapeHtml(s)}</text></g>`,
    );
  }
  const start = node(lifecycle.start);
  const startMark =
    `<circle class="lc-dot" cx="${fmt(start.x - START_MARK + 8)}" cy="${fmt(start.y + NODE_H / 2)}" r="6"/>` +
    `<path class="lc-edge lc-entry" d="M${fmt(start.x - START_MARK + 14)} ${fmt(start.y + NODE_H / 2)} L${fmt(start.x - 2)} ${fmt(start.y + NODE_H / 2)}" marker-end="url(#lc-arrow)"/>`;

  let pairFrame = '';
  if (lifecycle.pair !== undefined) {
    const a = node(lifecycle.pair.open);
    const b = node(lifecycle.pair.close);
    const x = Math.min(a.x, b.x) - 10;
    const y = Math.min(a.y, b.y) - 10;
    const w = Math.max(a.x, b.x) + nodeW + 10 - x;
    const h = Math.max(a.y, b.y) + NODE_H + 24 - y;
    const label = `tool pair${lifecycle.pair.key !== undefined ? `: same ${lifecycle.pair.key}` : ''}`;
    pairFrame =
      `<g class="lc-pair" data-open="${escapeHtml(lifecycle.pair.open)}" data-close="${escapeHtml(lifecycle.pair.close)}">` +
      `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(w)}" height="${fmt(h)}" rx="12"/>` +
      `<text x="${fmt(x + w - 8)}" y="${fmt(y + h - 6)}">${escapeHtml(label)}</text></g>`;
    maxY = Math.max(maxY, y + h + 4);
  }

  const maxLayer = Math.max(...[...placed.values()].map((n) => n.layer));
  const width = START_MARK + (maxLayer + 1) * nodeW + maxLayer * GAP_X + 30 + MARGIN * 2;
  const viewTop = Math.floor(minY - MARGIN);
  const height = Math.ceil(maxY + MARGIN) - viewTop;
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
