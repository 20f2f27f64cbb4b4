import { at } from '../check-helpers';
import type { CheckKind, CloseInfo } from '../check-kind';
import { ERROR_TYPE, type ConnState, type FrameInfo } from '../model';

interface PendingRefresh {
  f: FrameInfo;
  requestId: string | undefined;
}

/**
 * protocol.bad-credential-refused: a connection or an `auth_refresh` that presented a deliberately bad credential
 * (the session's `token_kind`: expired, `alg: none`, wrong audience, ...) is refused, whichever provider it is and
 * whatever auth it uses. A provider that accepts such a token fails here, named by the kind of token it accepted.
 */
export const credentialChecks: CheckKind[] = [
  {
    kind: 'bad_credential_refused',
    family: 'protocol',
    vars: ['token_kind'],
    create({ params, report, engine }) {
      const authCodes = new Set<string>(params.auth_codes);
      const closeCode: number = params.close_code;
      const grace: number = params.answer_grace_ms;
      const window: number = params.refresh_answer_ms;
      const refusal = `an ${ERROR_TYPE} with an auth code, then close ${closeCode}`;
      // Bad auth_refresh frames waiting for their error_message, by connection (rare: deliberately bad tokens).
      const pending = new Map<ConnState, PendingRefresh[]>();
      const unanswered = (conn: ConnState, endT: number, why: string): void => {
        const refreshes = pending.get(conn);
        pending.delete(conn);
        for (const { f } of refreshes ?? []) {
          if (endT - f.t <= grace) continue; // no time left to answer
          report(at(f), { token_kind: f.tokenKind, expected: `an ${ERROR_TYPE} refusing it`, actual: why });
        }
      };
      const connectionEnds = (conn: ConnState, close: CloseInfo | undefined): void => {
        const endT = close?.t ?? engine.finishT;
        const ending = close ? `close ${close.code} by ${close.by}` : 'the end of the session';
        unanswered(conn, endT, `no answer before ${ending}: the provider accepted it`);
        if (conn.tokenKind === 'valid' || conn.firstS2c !== undefined) return;
        // A bare server close 1008 is protocol.auth-failure-closes-1008's; a client giving up at once proves nothing.
        if (close && close.by === 'server' && close.code === closeCode) return;
        if (close && close.by === 'client' && endT - conn.openT <= grace) return;
        report(
          { conn: conn.id, line: close?.line ?? conn.openLine, t: endT, user: conn.user },
          { token_kind: conn.tokenKind, expected: refusal, actual: `nothing before ${ending}` },
        );
      };
      return {
        types: { clientFrame: [params.refresh_type] },
        clientFrame(f) {
          if (f.tokenKind === 'valid') return;
          const requestId = f.msg?.request_id;
          let list = pending.get(f.conn);
          if (list === undefined) pending.set(f.conn, (list = []));
          list.push({ f, requestId: typeof requestId === 'string' ? requestId : undefined });
        },
        serverFrame(f) {
          const conn = f.conn;
          if (conn.tokenKind !== 'valid' && conn.firstS2c === undefined) {
            // The answer to the credential the connection opened with: one auth-code error_message, nothing else.
            const code = f.type === ERROR_TYPE ? f.msg?.error_code : undefined;
            if (typeof code === 'string' && authCodes.has(code)) return;
            const got = f.type === ERROR_TYPE ? `${ERROR_TYPE} ${String(code)}` : (f.type ?? 'a frame');
            report(at(f), { token_kind: conn.tokenKind, expected: refusal, actual: `${got}: the token was accepted` });
            return;
          }
          if (pending.size === 0 || f.type !== ERROR_TYPE) return;
          // A bad refresh is answered by the connection's next error_message (with its request_id, or none) in time.
          const list = pending.get(conn);
          const requestId = f.msg?.request_id;
          const index = list
            ? list.findIndex((p) => f.t - p.f.t <= window && (requestId === undefined || requestId === p.requestId))
            : -1;
          if (index !== -1) list!.splice(index, 1);
        },
        connClose(conn, close) {
          connectionEnds(conn, close);
        },
        finish() {
          for (const conn of engine.openConns.values()) connectionEnds(conn, undefined);
        },
      };
    },
  },
];
