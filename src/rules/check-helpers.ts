// Small helpers every check kind uses to read frames and say where a finding is.
import type { ReportAt } from './check-kind';
import type { EventMark, FrameInfo } from './model';

/**
 * The location of a frame as a report position.
 *
 * @example
 * report(at(f, run), { expected: 1, actual: f.seq });
 */
export function at(f: FrameInfo, run?: { id: string } | string): ReportAt {
  return {
    conn: f.conn.id,
    line: f.line,
    t: f.t,
    frame: f.raw ?? f.value,
    frameLine: f.detached ? f.line : undefined,
    run_id: typeof run === 'string' ? run : run?.id,
    user: f.conn.user,
    seq: f.seq,
    type: f.type,
  };
}

/**
 * A reader of one dotted path (`result.recommendations`), split once when the rule is loaded.
 *
 * @example
 * const recommendations = pathReader('result.recommendations');
 * recommendations(msg); // the array, or undefined
 */
export function pathReader(path: string): (value: unknown) => unknown {
  const parts = path.split('.');
  if (parts.length === 1) {
    const [only] = parts;
    return (value) => (value !== null && typeof value === 'object' ? (value as any)[only] : undefined);
  }
  return (value) => {
    let current: any = value;
    for (const part of parts) {
      if (current === null || typeof current !== 'object') return undefined;
      current = current[part];
    }
    return current;
  };
}

/**
 * Short description of a run event for messages.
 *
 * @example
 * describeEvent(f); // 'tool_completed (seq 5, line 40)'
 */
export function describeEvent(f: EventMark | undefined): string {
  if (!f) return 'nothing';
  const parts: string[] = [];
  if (f.seq !== undefined) parts.push(`seq ${f.seq}`);
  if (f.line !== undefined) parts.push(`line ${f.line}`);
  return parts.length ? `${f.type ?? 'frame'} (${parts.join(', ')})` : (f.type ?? 'frame');
}

/**
 * `3-5, 8` for [3, 4, 5, 8].
 *
 * @example
 * compact([3, 4, 5, 8]); // '3-5, 8'
 */
export function compact(seqs: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seqs.length;) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j] + 1) j++;
    parts.push(i === j ? `${seqs[i]}` : `${seqs[i]}-${seqs[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}
