// The per-user limits of the spec (x-netra-limits, read through CheckContext.protocol so they follow asyncapi.yaml):
// a provider refuses only past a limit, and refuses there. Judged fairly for any provider: a refusal counts every
// connection or run that may still have been there on the server's side, an acceptance counts only those that
// surely were, and races shorter than the profile's `limit_grace_ms` are given the benefit of the doubt.
import { at } from '../check-helpers';
import type { CheckContext, CheckKind } from '../check-kind';
import { ERROR_TYPE, ESTABLISHED_TYPE, serverMs, type ConnState, type FrameInfo, type RunState } from '../model';

/** The limit a rule names (`params.limit`, a key of x-netra-limits), or undefined when the spec declares none. */
function limitOf(ctx: CheckContext): number | undefined {
  const value = ctx.protocol.limits[ctx.params.limit as string];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** When the server started a run (its first event's timestamp), and ended it (its terminal's), on its own clock. */
function startMs(run: RunState): number {
  const first = run.firstOwner ?? run.firstAny;
  return first ? serverMs(first) : NaN;
}

function endMs(run: RunState): number | undefined {
  return run.terminal ? serverMs(run.terminal) : undefined;
}

interface PendingAcceptance {
  f: FrameInfo;
  conn: ConnState;
  /** The user's connections the server had accepted before this one's handshake, open when it was accepted. */
  held: ConnState[];
}

interface PendingRunRefusal {
  f: FrameInfo;
  atMs: number;
  /** Runs that may have been going when the server refused. */
  going: Set<RunState>;
}

/**
 * What run_limit_enforced knows of a user's retained runs without walking them: how many have ended (their terminal
 * seen, not finalised yet) and the latest end among them. With these, a new run's start is cleared at once in the
 * common case (at most `max - 1` runs without an end, none ended after it): a user's retained runs are walked only when
 * they might reach the limit. Walking every retained run for each new run was 3% of the load tool's CPU.
 */
interface EndedRuns {
  count: number;
  /** The latest end (server clock) of a run counted in `count`; Infinity when one's end has no usable timestamp. */
  latestMs: number;
}

interface PendingRunStart {
  f: FrameInfo;
  run: RunState;
  atMs: number;
  /** Runs started before it whose end is not known yet, and those shown to go on past its start. */
  maybe: Set<RunState>;
  surely: Set<RunState>;
}

const connectionLimitChecks: CheckKind[] = [
  {
    kind: 'connection_refusal_justified',
    family: 'protocol',
    vars: ['limit', 'held'],
    create(ctx) {
      const { params, report, userState } = ctx;
      const max = limitOf(ctx);
      const grace: number = params.grace_ms;
      // Recent closes of each user's connections (session time), for connections the server may still have counted.
      const init = (): number[] => [];
      return {
        types: { serverFrame: [ERROR_TYPE] },
        connClose(conn, close) {
          if (max === undefined || conn.refused || conn.user === null) return;
          const user = ctx.engine.users.get(conn.user);
          if (!user) return;
          const closes = userState(user, init);
          closes.push(close.t);
          while (closes.length && closes[0] < close.t - CLOSE_HORIZON_MS) closes.shift();
        },
        serverFrame(f) {
          const conn = f.conn;
          if (max === undefined || conn.establishedT !== undefined || f.msg?.error_code !== params.code) return;
          const user = conn.user === null ? undefined : ctx.engine.users.get(conn.user);
          if (!user) return; // whose connection it was is unknown: nothing to count
          let held = 0;
          for (const other of user.conns)
            if (other !== conn && !other.refused && !other.closed && other.openT <= f.t) held++;
          for (const t of userState(user, init)) if (t >= conn.openT - grace) held++;
          if (held >= max) return;
          report(at(f), {
            limit: max,
            held,
            expected: `${params.code} only past ${max} connections`,
            actual: `${held}`,
          });
        },
      };
    },
  },
  {
    kind: 'connection_limit_enforced',
    family: 'protocol',
    vars: ['limit', 'held'],
    create(ctx) {
      const { params, report } = ctx;
      const max = limitOf(ctx);
      const grace: number = params.grace_ms;
      const pending: PendingAcceptance[] = [];
      // Judged once `grace` has passed: a connection whose close came in that time may have been closing already.
      const judge = (now: number): void => {
        while (pending.length && (now === Infinity || now > pending[0].f.t + grace)) {
          const { f, conn, held } = pending.shift() as PendingAcceptance;
          const surely = held.filter((c) => !c.closed || (c.closeT as number) > f.t + grace).length;
          if (max !== undefined && surely >= max) {
            report(at(f), {
              limit: max,
              held: surely,
              expected: `${params.code} and close for a connection past ${max}`,
              actual: `${ESTABLISHED_TYPE} on conn ${conn.id} while ${conn.user} held ${surely}`,
            });
          }
        }
      };
      return {
        types: { serverFrame: [ESTABLISHED_TYPE] },
        serverFrame(f) {
          if (pending.length) judge(f.t);
          const conn = f.conn;
          if (max === undefined || conn.establishedT !== undefined) return;
          const userId = conn.user ?? f.msg?.user_id;
          const user = typeof userId === 'string' ? ctx.engine.users.get(userId) : undefined;
          if (!user || user.conns.length <= max) return;
          const held = user.conns.filter(
            (c) =>
              c !== conn && !c.refused && !c.closed && c.establishedT !== undefined && c.establishedT <= conn.openT,
          );
          if (held.length >= max) pending.push({ f, conn, held });
        },
        connClose(_conn, close) {
          if (pending.length) judge(close.t);
        },
        finish() {
          judge(Infinity);
        },
      };
    },
  },
];

// Closes older than this cannot matter to a refusal (a handshake does not take a minute).
const CLOSE_HORIZON_MS = 60_000;

const runRefusalJustified: CheckKind = {
  kind: 'run_refusal_justified',
  family: 'protocol',
  vars: ['limit', 'going'],
  create(ctx) {
    const { params, report } = ctx;
    const max = limitOf(ctx);
    const grace: number = params.grace_ms;
    const pending = new Map<string, PendingRunRefusal[]>();
    // A run may have been going at `atMs` unless it started after it or is known to have ended before it.
    const mayGo = (run: RunState, atMs: number): boolean => {
      const start = startMs(run);
      const end = endMs(run);
      return !(start > atMs + grace) && !(end !== undefined && end < atMs - grace);
    };
    const settle = (user: string, list: PendingRunRefusal[]): void => {
      for (const p of list) {
        report(at(p.f), {
          limit: max,
          going: p.going.size,
          expected: `${params.code} only with ${max} runs going`,
          actual: `${p.going.size}`,
        });
      }
      pending.delete(user);
    };
    return {
      types: { serverFrame: [ERROR_TYPE] },
      serverFrame(f) {
        const user = f.conn.user === null ? undefined : ctx.engine.users.get(f.conn.user);
        if (max === undefined || !user || f.msg?.error_code !== params.code) return;
        const atMs = serverMs(f);
        if (!Number.isFinite(atMs)) return; // no server clock to compare with
        const going = new Set([...user.runs].filter((run) => mayGo(run, atMs)));
        if (going.size >= max) return;
        // Runs the server started just before may show up later (fan-out is paced): judged at the end.
        const list = pending.get(user.id) ?? [];
        list.push({ f, atMs, going });
        pending.set(user.id, list);
      },
      runEventFirst(f, run) {
        const list = pending.size && f.runFirst ? pending.get(run.owner) : undefined;
        if (!list) return;
        for (const p of list) if (mayGo(run, p.atMs)) p.going.add(run);
        const open = list.filter((p) => p.going.size < (max as number));
        if (open.length) pending.set(run.owner, open);
        else pending.delete(run.owner);
      },
      finish() {
        for (const [user, list] of pending) settle(user, list);
      },
    };
  },
};

const runLimitEnforced: CheckKind = {
  kind: 'run_limit_enforced',
  family: 'protocol',
  vars: ['limit', 'going'],
  create(ctx) {
    const { params, report, protocol } = ctx;
    const max = limitOf(ctx);
    const grace: number = params.grace_ms;
    let pending: PendingRunStart[] = [];
    const decide = (p: PendingRunStart): boolean => {
      if (max !== undefined && p.surely.size >= max) {
        report(at(p.f, p.run), {
          limit: max,
          going: p.surely.size,
          expected: `${params.code} for a start past ${max} runs going`,
          actual: `run ${p.run.id} started while ${p.run.owner} had ${p.surely.size} going`,
        });
        return true;
      }
      return p.surely.size + p.maybe.size < (max as number);
    };
    // What an event of a run says about a pending start: the run went on past it, or ended before it.
    const learn = (p: PendingRunStart, f: FrameInfo, run: RunState): void => {
      if (!p.maybe.has(run)) return;
      const ms = serverMs(f);
      if (ms > p.atMs + grace) {
        p.maybe.delete(run);
        p.surely.add(run);
      } else if (protocol.terminalTypes.has(f.type as string)) {
        p.maybe.delete(run);
      }
    };
    const noEnds = (): EndedRuns => ({ count: 0, latestMs: -Infinity });
    const endedOf = (run: RunState): EndedRuns => ctx.userState(run.user, noEnds);
    // Called before the engine records `f` (hooks see the state before the frame): the first terminal of the run.
    const noteEnd = (f: FrameInfo, run: RunState): void => {
      if (run.terminal !== undefined || !protocol.terminalTypes.has(f.type as string)) return;
      const ended = endedOf(run);
      const ms = serverMs(f);
      ended.count++;
      ended.latestMs = Math.max(ended.latestMs, Number.isNaN(ms) ? Infinity : ms);
    };
    /** At most `max - 1` runs may have been going at `atMs` besides `run`: the start is cleared without a walk. */
    const surelyUnder = (run: RunState, atMs: number, limit: number): boolean => {
      const ended = endedOf(run);
      const unended = run.user.runs.size - ended.count - 1;
      return ended.latestMs <= atMs + grace && unended < limit;
    };
    const checkStart = (f: FrameInfo, run: RunState, limit: number): void => {
      if (!f.runFirst || run.user.runs.size <= limit) return;
      const atMs = serverMs(f);
      if (!Number.isFinite(atMs) || surelyUnder(run, atMs, limit)) return;
      const p: PendingRunStart = { f, run, atMs, maybe: new Set(), surely: new Set() };
      for (const other of run.user.runs) {
        if (other === run || !(startMs(other) < atMs)) continue;
        const end = endMs(other);
        if (end !== undefined && end <= atMs + grace) continue;
        p.maybe.add(other);
        if (other.last) learn(p, other.last, other);
      }
      if (!decide(p)) pending.push(p);
    };
    return {
      runEventFirst(f, run) {
        if (max === undefined) return; // the spec sets no limit: nothing to judge, nothing pending
        if (pending.length) {
          for (const p of pending) learn(p, f, run);
          pending = pending.filter((p) => !decide(p));
        }
        checkStart(f, run, max);
        noteEnd(f, run);
      },
      runFinalize(run) {
        if (max === undefined) return;
        if (run.terminal !== undefined) {
          const ended = endedOf(run);
          if (--ended.count === 0) ended.latestMs = -Infinity;
        }
        if (!pending.length) return;
        for (const p of pending) p.maybe.delete(run);
        pending = pending.filter((p) => !decide(p));
      },
    };
  },
};

/** protocol.*: the per-user limits (connections, concurrent runs). */
export const limitChecks: CheckKind[] = [...connectionLimitChecks, runRefusalJustified, runLimitEnforced];
