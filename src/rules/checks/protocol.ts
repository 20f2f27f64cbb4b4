import { at, describeEvent } from '../check-helpers';
import type { CheckKind } from '../check-kind';
import { ERROR_TYPE, ESTABLISHED_TYPE, type ConnState, type FrameInfo } from '../model';

/** protocol.*: the conversation around the runs. */
export const protocolChecks: CheckKind[] = [
  {
    kind: 'connection_established_first',
    family: 'protocol',
    vars: [],
    create({ params, report, connState }) {
      const established: string = params.type;
      // Every field present from the start: one object shape for every connection.
      const init = (): { first?: FrameInfo; refusal?: FrameInfo; established?: FrameInfo } => ({
        first: undefined,
        refusal: undefined,
        established: undefined,
      });
      // Read once: the engine's flag `establishedFirst` speaks of the contract's own connection_established.
      const engineKnowsFirst = established === ESTABLISHED_TYPE;
      return {
        serverFrame(f) {
          // The common case, a later message on a connection that began with connection_established, costs nothing.
          if (f.conn.establishedFirst && f.type !== established && engineKnowsFirst) return;
          const state = connState(f.conn, init);
          if (state.established && f.type !== established) return;
          if (state.refusal) {
            const code = state.refusal.msg?.error_code;
            report(at(f), {
              expected: `nothing after the refusal (${ERROR_TYPE} ${code} at line ${state.refusal.line ?? '?'})`,
              actual: f.type ?? 'a frame',
            });
            return;
          }
          if (!state.first) {
            state.first = f;
            if (f.type === established) state.established = f;
            else if (f.type === ERROR_TYPE) state.refusal = f;
            else report(at(f), { expected: `${established} as the first message`, actual: f.type ?? 'a frame' });
            return;
          }
          if (f.type === established) {
            const first = state.established;
            report(at(f), {
              expected: `one ${established}${first ? ` (first at line ${first.line ?? '?'})` : ' as the first message'}`,
              actual: `another ${established}`,
            });
            state.established ??= f;
          }
        },
      };
    },
  },
  {
    kind: 'auth_failure_closes',
    family: 'protocol',
    vars: ['code'],
    create({ params, report, connState }) {
      const authCodes = new Set<string>(params.auth_codes);
      const alwaysClose = new Set<string>(params.always_close_codes);
      // Refusals of a connection at the handshake that are not about the token (TOO_MANY_CONNECTIONS) close alike.
      const refusalCodes = new Set<string>(params.refusal_codes ?? []);
      const closeCode: number = params.close_code;
      const window: number = params.refresh_answer_ms;
      interface State {
        failure?: FrameInfo;
        refreshes: { t: number; requestId?: string }[];
      }
      // Connections with a failure and no close yet (to report those that stay open to the end).
      const failing = new Set<ConnState>();
      const init = (): State => ({ failure: undefined, refreshes: [] });
      const errorType = ERROR_TYPE; // read on every server frame: a local, not an imported binding (a getter)
      const stateOf = (conn: ConnState): State => connState(conn, init);
      const describeFailure = (f: FrameInfo): string =>
        `close ${closeCode} after ${f.msg?.error_code} (line ${f.line ?? '?'})`;
      // A refused auth_refresh is answered and the connection keeps going.
      const answersRefresh = (state: State, f: FrameInfo): boolean => {
        state.refreshes = state.refreshes.filter((r) => f.t - r.t <= window || r.requestId !== undefined);
        const requestId = f.msg?.request_id;
        const index =
          typeof requestId === 'string'
            ? state.refreshes.findIndex((r) => r.requestId === requestId)
            : state.refreshes.findIndex((r) => r.requestId === undefined);
        if (index === -1) return false;
        state.refreshes.splice(index, 1);
        return true;
      };
      return {
        types: { clientFrame: [params.refresh_type] },
        clientFrame(f) {
          const requestId = f.msg?.request_id;
          stateOf(f.conn).refreshes.push({
            t: f.t,
            requestId: typeof requestId === 'string' ? requestId : undefined,
          });
        },
        serverFrame(f) {
          if (f.type !== errorType && (failing.size === 0 || !failing.has(f.conn))) return;
          const state = stateOf(f.conn);
          if (state.failure) {
            // Frames after a refusal of a connection not yet established are connection-established-first's.
            if (f.conn.establishedT !== undefined && !f.conn.refused) {
              report(at(f), {
                code: state.failure.msg?.error_code,
                expected: describeFailure(state.failure),
                actual: f.type ?? 'a frame',
              });
            }
            return;
          }
          const code = f.msg?.error_code;
          if (f.type !== ERROR_TYPE || typeof code !== 'string') return;
          const established = f.conn.establishedT !== undefined;
          if (!authCodes.has(code) && (established || !refusalCodes.has(code))) return;
          if (established && !alwaysClose.has(code) && answersRefresh(state, f)) return;
          state.failure = f;
          failing.add(f.conn);
        },
        connClose(conn, close) {
          const state = stateOf(conn);
          const where = {
            conn: conn.id,
            line: close.line,
            t: close.t,
            user: conn.user,
            frame: { kind: 'close', code: close.code, reason: close.reason, by: close.by },
          };
          failing.delete(conn);
          if (state?.failure) {
            if (close.code !== closeCode) {
              report(where, {
                code: state.failure.msg?.error_code,
                expected: describeFailure(state.failure),
                actual: `close ${close.code} by ${close.by}`,
              });
            }
          } else if (close.code === closeCode && close.by === 'server') {
            report(where, {
              expected: `an ${ERROR_TYPE} with an auth code before close ${closeCode}`,
              actual: `close ${closeCode} with no such ${ERROR_TYPE}`,
            });
          }
        },
        finish() {
          for (const conn of failing) {
            const failure = stateOf(conn).failure as FrameInfo;
            report(at(failure), {
              code: failure.msg?.error_code,
              expected: describeFailure(failure),
              actual: 'the connection stayed open to the end of the session',
            });
          }
        },
      };
    },
  },
  {
    kind: 'rejection_answered',
    family: 'protocol',
    vars: [],
    validateParams(params) {
      try {
        new RegExp(params.request_id_pattern);
        return undefined;
      } catch (err) {
        return `request_id_pattern is not a regular expression: ${(err as Error).message}`;
      }
    },
    create({ params, report, engine }) {
      const answerType: string = params.answer_type;
      const grace: number = params.answer_grace_ms;
      const requestIdPattern = new RegExp(params.request_id_pattern);
      const unparsed = new Set<string>(params.unparsed_codes);
      interface Pending {
        f: FrameInfo;
        requestId?: string;
      }
      const queues = new Map<ConnState, Pending[]>();
      const expectedFor = (p: Pending): string =>
        `${answerType} answering the invalid ${p.f.type ?? 'frame'} at line ${p.f.line ?? '?'}${p.requestId ? ` with request_id ${p.requestId}` : ''}`;
      const settle = (conn: ConnState, endT: number, endedBy: 'client' | 'server' | 'end', code?: number): void => {
        const queue = queues.get(conn);
        queues.delete(conn);
        if (!queue || conn.refused) return;
        for (const p of queue) {
          if (endedBy === 'server' && code !== 1000) continue; // the server ended the connection instead (1009, 1011, ...)
          if (endT - p.f.t <= grace) continue; // no time left to answer
          const actual =
            endedBy === 'end' ? 'no answer by the end of the session' : `no answer before the close by the ${endedBy}`;
          report(at(p.f), { expected: expectedFor(p), actual });
        }
      };
      return {
        types: { serverFrame: [answerType] },
        clientFrame(f) {
          if (f.valid) return;
          const requestId = f.msg?.request_id;
          const pending: Pending = {
            f,
            requestId: typeof requestId === 'string' && requestIdPattern.test(requestId) ? requestId : undefined,
          };
          let queue = queues.get(f.conn);
          if (!queue) queues.set(f.conn, (queue = []));
          queue.push(pending);
        },
        serverFrame(f) {
          const queue = queues.get(f.conn);
          if (!queue) return;
          const requestId = f.msg?.request_id;
          let index =
            typeof requestId === 'string'
              ? queue.findIndex((p) => p.requestId === requestId)
              : queue.findIndex((p) => p.requestId === undefined);
          // A frame the server could not parse is answered in order. The request_id such an answer carries, if any,
          // is what the server found by a bounded look at the raw bytes, which need not be what this checker read
          // (a truncated frame, a byte that is not UTF-8): the oldest pending frame is the one answered.
          if (index === -1 && unparsed.has(f.msg?.error_code)) index = 0;
          if (index !== -1) queue.splice(index, 1);
          if (queue.length === 0) queues.delete(f.conn);
        },
        connClose(conn, close) {
          settle(conn, close.t, close.by, close.code);
        },
        finish() {
          for (const conn of [...queues.keys()]) settle(conn, engine.finishT, 'end');
        },
      };
    },
  },
  {
    kind: 'start_answered',
    family: 'protocol',
    vars: [],
    create({ params, report, engine }) {
      return {
        finish() {
          for (const user of engine.users.values()) {
            for (const start of user.pendingStarts) {
              if (!start.valid || start.answered || start.conn.refused || !engine.presentAtEnd(start.conn)) continue;
              report(
                {
                  conn: start.conn.id,
                  line: start.line,
                  t: start.t,
                  frame: start.msg,
                  user: user.id,
                  type: params.request_type,
                },
                {
                  expected: `${params.event_type} or ${params.answer_type} with request_id ${start.requestId}`,
                  actual: 'no answer by the end of the session',
                },
              );
            }
          }
        },
      };
    },
  },
  {
    kind: 'run_ends',
    family: 'protocol',
    vars: [],
    create({ protocol, report, engine }) {
      const terminals = [...protocol.terminalTypes].join(' or ');
      return {
        runFinalize(run, atFinish) {
          if (!atFinish || run.terminalSeen) return;
          const listener = engine.listener(run);
          if (!listener) return; // unobserved: the user went away without resuming
          const last = run.last ?? run.firstAny;
          if (!last) return;
          report(
            { ...at(last, run), conn: listener.id, user: run.owner },
            {
              expected: terminals,
              actual: `nothing after ${describeEvent(last)}, though conn ${listener.id} listened to the end`,
            },
          );
        },
      };
    },
  },
];
