// Planted defects: a recorded session of the reference provider, edited the way a faulty provider would have sent it,
// served by the real replay server (src/verify/replay-server). Each edit keeps everything else as recorded.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSessionText, type Session } from '../../../../src/sessions';
import { ROOT } from './providers';

type Record = { [key: string]: unknown; conn?: string; dir?: string; t?: number; msg?: { [key: string]: unknown } };
export type Edit = (records: Record[]) => Record[];

/** The committed session of a scenario, as records (header first). */
export function committed(scenario: string): Record[] {
  const file = path.join(ROOT, 'contracts', 'sessions', `${scenario}.session.jsonl`);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record);
}

/** The edited records as a session the replay server can serve. */
export function asSession(records: Record[], name: string): Session {
  return parseSessionText(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`, `${name}.session.jsonl`);
}

const runOf = (records: Record[], requestId: string): string =>
  String(records.find((r) => r.msg?.type === 'agent_started' && r.msg.request_id === requestId)?.msg?.run_id);

/** The provider never sends a run's first tool_completed (and numbers the rest without a gap). */
export const droppedToolCompleted: Edit = (records) => {
  let gone: { run: unknown; seq: number } | undefined;
  const out: Record[] = [];
  for (const r of records) {
    const msg = r.msg;
    if (gone === undefined && msg?.type === 'tool_completed') {
      gone = { run: msg.run_id, seq: Number(msg.seq) };
      continue;
    }
    if (gone !== undefined && msg !== undefined && msg.run_id === gone.run && Number(msg.seq) > gone.seq) {
      out.push({ ...r, msg: { ...msg, seq: Number(msg.seq) - 1 } });
      continue;
    }
    out.push(r);
  }
  return out;
};

/** The provider never ends the run (no terminal event). */
export const runNeverEnds: Edit = (records) =>
  records.filter((r) => r.msg?.type !== 'agent_completed' && r.msg?.type !== 'agent_error');

/** After a resume the provider skips the first missed event. */
export const lostEventOnResume: Edit = (records) => {
  const resume = records.findIndex((r) => r.dir === 'c2s' && r.msg?.type === 'resume');
  const conn = records[resume].conn;
  const lost = records.findIndex(
    (r, i) => i > resume && r.conn === conn && r.dir === 's2c' && r.msg?.run_id !== undefined,
  );
  return records.filter((_r, i) => i !== lost);
};

/** The second tab of the user gets nothing of the run the first tab started. */
export const starvedSecondTab: Edit = (records) => {
  const run = runOf(records, 'alice-tab1-q1');
  return records.filter((r) => !(r.conn === 'alice-2' && r.dir === 's2c' && r.msg?.run_id === run));
};

/** One of ben's run events also reaches ana's connection. */
export const crossUserLeak: Edit = (records) => {
  const leaked = records.find((r) => r.conn === 'ben-1' && r.msg?.type === 'agent_thinking') as Record;
  const at = records.findIndex((r) => r.conn === 'ana-1' && r.msg?.type === 'agent_thinking');
  return [...records.slice(0, at), { ...leaked, conn: 'ana-1', t: records[at].t }, ...records.slice(at)];
};

/** The provider accepts an unsigned (`alg: none`) token. */
/** The provider accepts the scenario's one deliberately bad token (alg none, expired...): the connection is established. */
export const acceptedBadToken: Edit = (records) => {
  const [header, open] = records;
  const t = Number(open.t);
  const established = {
    type: 'connection_established',
    connection_id: 'conn_abcdefabcdef',
    user_id: open.conn?.replace(/-\d+$/, ''),
    server_time: new Date().toISOString(),
    protocol_version: '1.0',
  };
  return [
    header,
    { ...open, user: established.user_id },
    { kind: 'frame', t, conn: open.conn, dir: 's2c', msg: established },
    { kind: 'close', t: t + 5, conn: open.conn, code: 1000, reason: 'done', by: 'client' },
  ];
};
