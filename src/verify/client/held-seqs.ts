/**
 * What a user's client holds of each run: the set of seqs received on any of the user's connections. A client
 * resumes from the last CONTIGUOUS seq it holds (the highest n with 1..n all held), not from the highest: when a live
 * event overtakes a resume (the spec allows it), the highest seq held is past a gap, and resuming from it would skip
 * the events in the gap.
 *
 * @example
 * const held = new HeldSeqs();
 * held.add('alice', 'run_a', 1); held.add('alice', 'run_a', 2); held.add('alice', 'run_a', 5);
 * held.contiguous('alice', 'run_a'); // 2
 * held.highest('alice', 'run_a'); // 5
 */
export class HeldSeqs {
  private readonly runs = new Map<string, { seqs: Set<number>; contiguous: number; highest: number }>();

  add(user: string | null, runId: string, seq: number): void {
    const key = `${user}\u0000${runId}`;
    let held = this.runs.get(key);
    if (held === undefined) this.runs.set(key, (held = { seqs: new Set(), contiguous: 0, highest: 0 }));
    held.seqs.add(seq);
    if (seq > held.highest) held.highest = seq;
    while (held.seqs.has(held.contiguous + 1)) held.contiguous++;
  }

  /** The highest n such that seqs 1..n of the run are all held (0 for none). */
  contiguous(user: string | null, runId: string): number {
    return this.runs.get(`${user}\u0000${runId}`)?.contiguous ?? 0;
  }

  /** The highest seq held (0 for none). */
  highest(user: string | null, runId: string): number {
    return this.runs.get(`${user}\u0000${runId}`)?.highest ?? 0;
  }
}
