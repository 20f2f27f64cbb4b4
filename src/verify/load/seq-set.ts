/**
 * A set of a run's seq numbers that costs nothing in the usual case: events arrive in order, so the set is one
 * contiguous range `[low, high]`, and only seqs outside it (a replay after a resume, a live event overtaking a replay)
 * go to a Set allocated on first need. Reset for reuse, never reallocated per connection.
 *
 * @example
 * const held = new SeqSet();
 * held.add(1); held.add(2); held.add(4); // [1, 2] and {4}
 * held.add(2);                           // false: held already
 * held.countBetween(1, 3);               // 2
 */
export class SeqSet {
  private low = 0;
  private high = -1;
  private extra: Set<number> | undefined;
  private count = 0;

  /** Number of seqs held. */
  get size(): number {
    return this.count;
  }

  has(seq: number): boolean {
    return (seq >= this.low && seq <= this.high) || (this.extra !== undefined && this.extra.has(seq));
  }

  /** Adds `seq`; false when it was held already. */
  add(seq: number): boolean {
    if (this.count === 0) {
      this.low = seq;
      this.high = seq;
      this.count = 1;
      return true;
    }
    if (this.has(seq)) return false;
    this.count++;
    if (seq === this.high + 1) {
      this.high = seq;
      this.absorb();
    } else if (seq === this.low - 1) {
      this.low = seq;
      this.absorb();
    } else {
      (this.extra ??= new Set()).add(seq);
    }
    return true;
  }

  /** Seqs held in `[from, to]`. */
  countBetween(from: number, to: number): number {
    let n = Math.max(0, Math.min(to, this.high) - Math.max(from, this.low) + 1);
    if (this.extra !== undefined) for (const seq of this.extra) if (seq >= from && seq <= to) n++;
    return n;
  }

  /** Empties the set, keeping its storage. */
  clear(): void {
    this.low = 0;
    this.high = -1;
    this.count = 0;
    this.extra?.clear();
  }

  /** Moves seqs adjacent to the range from the extras into it. */
  private absorb(): void {
    const extra = this.extra;
    if (extra === undefined || extra.size === 0) return;
    while (extra.delete(this.high + 1)) this.high++;
    while (extra.delete(this.low - 1)) this.low--;
  }
}
