// What one client application holds of its runs across the connections it used one after another (drop, reconnect,
// resume): the basis of "delivered exactly once" and of the `last_seq` a resume sends.
export type Msg = Record<string, any> & { type: string };

export const RUN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
  'agent_error',
]);
export const TERMINAL_TYPES: ReadonlySet<string> = new Set(['agent_completed', 'agent_error']);

export function isRunEvent(m: Msg): boolean {
  return RUN_EVENT_TYPES.has(m.type) && typeof m.run_id === 'string';
}

export function isTerminal(m: Msg): boolean {
  return TERMINAL_TYPES.has(m.type);
}

export interface LedgerRun {
  runId: string;
  /** Received events by seq (the first copy). */
  bySeq: Map<number, Msg>;
  /**
   * Copies of an already held seq that nobody asked for: the same connection sending it twice, or a connection
   * sending it although its resume claimed it (or without a resume). 0 when delivery was exactly once.
   */
  repeats: number;
  /**
   * Copies of an already held seq that the client asked for: its resume's `last_seq` is the highest seq it holds
   * *without a gap*, so seqs it also holds past a gap come again. The protocol cannot ask for less.
   */
  redelivered: number;
  /** Which connections delivered each seq. */
  deliveredOn: Map<number, Set<string>>;
  terminal?: Msg;
  requestId?: string;
}

/** Run events one client application received, by run and seq, across its successive connections. */
export class RunLedger {
  readonly runs = new Map<string, LedgerRun>();
  private listeners: (() => void)[] = [];

  /**
   * Adds an event received on connection `conn`, which resumed the run from `resumedFrom` (undefined when it did
   * not resume it).
   */
  add(m: Msg, conn = '', resumedFrom?: number): void {
    if (!isRunEvent(m) || !Number.isInteger(m.seq)) return;
    let run = this.runs.get(m.run_id);
    if (!run)
      this.runs.set(
        m.run_id,
        (run = { runId: m.run_id, bySeq: new Map(), repeats: 0, redelivered: 0, deliveredOn: new Map() }),
      );
    let on = run.deliveredOn.get(m.seq);
    if (!on) run.deliveredOn.set(m.seq, (on = new Set()));
    const sameConn = on.has(conn);
    on.add(conn);
    if (run.bySeq.has(m.seq)) {
      if (!sameConn && resumedFrom !== undefined && m.seq > resumedFrom) run.redelivered++;
      else run.repeats++;
      return;
    }
    run.bySeq.set(m.seq, m);
    if (m.type === 'agent_started' && typeof m.request_id === 'string') run.requestId = m.request_id;
    if (isTerminal(m) && !run.terminal) run.terminal = m;
    for (const listener of this.listeners.splice(0)) listener();
  }

  /** The highest seq s such that 1..s are all held: what a resume sends as `last_seq`. */
  lastSeq(runId: string): number {
    const run = this.runs.get(runId);
    if (!run) return 0;
    let s = 0;
    while (run.bySeq.has(s + 1)) s++;
    return s;
  }

  /** The run's events in seq order. */
  events(runId: string): Msg[] {
    const run = this.runs.get(runId);
    return run ? [...run.bySeq.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  /** Whether the run's terminal is held together with every seq before it (nothing missing). */
  complete(runId: string): boolean {
    const run = this.runs.get(runId);
    return !!run?.terminal && this.lastSeq(runId) === run.terminal.seq;
  }

  /** Runs not (yet) complete. */
  incomplete(): string[] {
    return [...this.runs.keys()].filter((id) => !this.complete(id));
  }

  get repeats(): number {
    let n = 0;
    for (const run of this.runs.values()) n += run.repeats;
    return n;
  }

  get redelivered(): number {
    let n = 0;
    for (const run of this.runs.values()) n += run.redelivered;
    return n;
  }

  get eventCount(): number {
    let n = 0;
    for (const run of this.runs.values()) n += run.bySeq.size;
    return n;
  }

  /** Resolves on the next new event (used to wait across reconnects). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }
}
