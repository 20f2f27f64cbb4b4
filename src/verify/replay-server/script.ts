import path from 'path';
import { asRecord } from '../../util/records';
import type { Session } from '../../sessions/types';
import { actorOf } from '../replay/plan';

/**
 * One step of a recorded connection, from the server's side:
 * - `send`: a recorded server frame to send once its anchor (the client action it followed) happened;
 * - `expect`: a recorded client frame the consumer must send;
 * - `server-close`: the server closed the connection;
 * - `client-close`: the client closed it; a drop (1006) is reproduced by the replay server terminating the socket,
 *   any other close is expected from the consumer.
 */
export type ScriptItem =
  | { kind: 'send'; line: number; t: number; msg?: unknown; raw?: string; anchorLine: number; anchorT: number }
  | { kind: 'expect'; line: number; t: number; msg?: unknown; raw?: string }
  | { kind: 'server-close'; line: number; t: number; code: number; reason: string; anchorLine: number; anchorT: number }
  | {
      kind: 'client-close';
      line: number;
      t: number;
      code: number;
      reason: string;
      anchorLine: number;
      anchorT: number;
    };

export interface ConnScript {
  id: string;
  /** The open record's user (null: the recorded token was refused). */
  user: string | null;
  actor: string;
  /** For a refused connection: the error_code of the refusal the recording shows. */
  refusalCode?: string;
  /** The kind of token the recorded client presented (`token_kind` of the open record; absent: valid). */
  tokenKind: string;
  openLine: number;
  openT: number;
  items: ScriptItem[];
}

/** A recorded session prepared for serving. */
export interface SessionScript {
  file: string;
  name: string;
  conns: ConnScript[];
  /** auth_refresh line -> what the consumer's token must be (a refusal code, or valid for another user). */
  refreshExpectations: Map<number, { code?: string; otherUser?: boolean }>;
}

/**
 * Splits a recorded session into one script per connection, each server frame anchored to the last client action
 * (open, client frame, client close) of the same actor before it, so the replay server can send it that long after
 * the consumer's matching action.
 *
 * @example
 * const script = buildScript(await readSession('contracts/sessions/two-tabs.session.jsonl'));
 * script.conns.map((c) => c.id); // ['alice-1', 'alice-2', 'alice-3']
 */
export function buildScript(session: Session): SessionScript {
  const conns = new Map<string, ConnScript>();
  const lastAction = new Map<string, { line: number; t: number }>();
  for (const record of session.records) {
    if (record.kind === 'open') {
      const actor = record.user ?? actorOf(record.conn);
      conns.set(record.conn, {
        id: record.conn,
        user: record.user,
        actor,
        tokenKind: record.token_kind ?? 'valid',
        openLine: record.line,
        openT: record.t,
        items: [],
      });
      lastAction.set(actor, { line: record.line, t: record.t });
      continue;
    }
    const conn = conns.get(record.conn) as ConnScript;
    const anchor = lastAction.get(conn.actor) ?? { line: conn.openLine, t: conn.openT };
    if (record.kind === 'close') {
      const kind = record.by === 'client' ? 'client-close' : 'server-close';
      conn.items.push({
        kind,
        line: record.line,
        t: record.t,
        code: record.code,
        reason: record.reason,
        anchorLine: anchor.line,
        anchorT: anchor.t,
      });
      if (record.by === 'client') lastAction.set(conn.actor, { line: record.line, t: record.t });
      continue;
    }
    const body = record.raw !== undefined ? { raw: record.raw } : { msg: record.msg };
    if (record.dir === 'c2s') {
      conn.items.push({ kind: 'expect', line: record.line, t: record.t, ...body });
      lastAction.set(conn.actor, { line: record.line, t: record.t });
    } else {
      if (conn.user === null && conn.refusalCode === undefined) {
        const msg = asRecord(record.msg);
        if (msg?.type === 'error_message' && typeof msg.error_code === 'string') conn.refusalCode = msg.error_code;
      }
      conn.items.push({
        kind: 'send',
        line: record.line,
        t: record.t,
        ...body,
        anchorLine: anchor.line,
        anchorT: anchor.t,
      });
    }
  }
  // An auth_refresh answered by an error_message (before the client's next frame): the consumer's token must be
  // refused with the same code, or (AUTH_USER_MISMATCH) be valid for another user. Otherwise it must be valid.
  const refreshExpectations = new Map<number, { code?: string; otherUser?: boolean }>();
  const pendingRefresh = new Map<string, number>();
  for (const record of session.records) {
    if (record.kind !== 'frame') continue;
    const msg = asRecord(record.msg);
    if (record.dir === 'c2s') {
      if (msg?.type === 'auth_refresh') pendingRefresh.set(record.conn, record.line);
      else pendingRefresh.delete(record.conn);
      continue;
    }
    const line = pendingRefresh.get(record.conn);
    if (line === undefined || msg?.type !== 'error_message') continue;
    pendingRefresh.delete(record.conn);
    const code = String(msg.error_code);
    refreshExpectations.set(line, code === 'AUTH_USER_MISMATCH' ? { otherUser: true } : { code });
  }
  const name = session.header.scenario ?? path.basename(session.file).replace(/\.session\.jsonl$/, '');
  return { file: session.file, name, conns: [...conns.values()], refreshExpectations };
}
