import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseSessionText, type Session } from '../../../src/sessions';

/** The server message type no version of the contract knows (yet): what a newer server might send. */
export const UNKNOWN_TYPE = 'agent_progress';

/**
 * The recorded `first-message` session with one server message of a type the contract does not know, as a newer
 * server would send it: `agent_progress`, carrying the run's `run_id` and taking seq 2 (the later events move up
 * one). Served by the real replay server, it shows what a client does with an event type from the future.
 *
 * @example
 * const server = await startReplayServer({ sessions: [sessionWithUnknownEvent()], speed: 0 });
 */
export function sessionWithUnknownEvent(): Session {
  const file = path.resolve(__dirname, '..', '..', '..', 'contracts', 'sessions', 'first-message.session.jsonl');
  const records = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
  const out: Record<string, any>[] = [];
  let runId: string | undefined;
  for (const record of records) {
    const msg = record.msg as Record<string, any> | undefined;
    if (record.kind === 'frame' && record.dir === 's2c' && msg?.run_id === runId && typeof msg?.seq === 'number') {
      record.msg = { ...msg, seq: msg.seq + 1 };
    }
    out.push(record);
    if (record.kind === 'frame' && msg?.type === 'agent_started') {
      runId = msg.run_id as string;
      const progress = {
        type: UNKNOWN_TYPE,
        event_id: 'evt_progress00001',
        run_id: msg.run_id,
        thread_id: msg.thread_id,
        user_id: msg.user_id,
        seq: 2,
        timestamp: msg.timestamp,
        percent: 10,
      };
      out.push({ ...record, msg: progress });
    }
  }
  return parseSessionText(`${out.map((r) => JSON.stringify(r)).join('\n')}\n`, 'first-message-unknown.session.jsonl');
}
