import type { Command } from 'commander';
import { readSession } from '../../sessions';
import { ReplayError } from '../../verify/replay';
import { startReplayServer, type ReplayServerSummary } from '../../verify/replay-server';

interface ReplayServerCliOptions {
  port: string;
  host: string;
  speed: string;
  timeout: string;
  json?: boolean;
}

function number(value: string, name: string, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new ReplayError('REPLAY_OPTIONS_INVALID', `${name} must be a number >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function formatSummary(summary: ReplayServerSummary): string {
  const lines: string[] = [];
  for (const s of summary.sessions) {
    const sent = s.conns.reduce((n, c) => n + c.framesSent, 0);
    const received = s.conns.reduce((n, c) => n + c.framesReceived, 0);
    const state = s.complete && s.mismatches.length === 0 ? 'ok' : s.complete ? 'MISMATCH' : 'NOT SERVED';
    lines.push(
      `${s.scenario} (${s.file}): ${state}: ${s.conns.filter((c) => c.done).length}/${s.conns.length} connections, ${sent} frames sent, ${received} received`,
    );
    for (const c of s.conns)
      if (!c.done)
        lines.push(`  ${c.conn} (${c.user ?? 'refused token'}): ${c.matched ? 'not finished' : 'never connected'}`);
    for (const m of s.mismatches)
      lines.push(`  mismatch ${m.conn ?? ''}${m.line !== undefined ? ` line ${m.line}` : ''}: ${m.message}`);
  }
  if (summary.unmatched > 0) lines.push(`${summary.unmatched} consumer connection(s) matched no recorded connection`);
  return `${lines.join('\n')}\n`;
}

/**
 * `netra-contracts replay-server FILE... --port P [--speed S] [--timeout MS]`: consumer verification. Serves the
 * recorded sessions over a real WebSocket until every one was played to its end (exit 0 when the consumer matched
 * the recordings, 1 on a mismatch or a timeout).
 */
export function register(program: Command): void {
  program
    .command('replay-server')
    .description(
      'Serve recorded sessions over a real WebSocket to test a consumer (frontend, SDK) against real traffic.',
    )
    .argument('<files...>', 'session files (*.session.jsonl), served one after another')
    .option('--port <n>', 'port of the WebSocket and of POST /auth/token (0: any free port)', '8000')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--speed <factor>', 'pace: 1 as recorded, 2 twice as fast, 0 as fast as possible', '1')
    .option('--timeout <ms>', 'give up after this long (0: never)', '300000')
    .option('--json', 'print the summary as JSON')
    .action(async (files: string[], options: ReplayServerCliOptions) => {
      const port = number(options.port, '--port', 0);
      const speed = number(options.speed, '--speed', 0);
      const timeoutMs = number(options.timeout, '--timeout', 0);
      const sessions = await Promise.all(files.map((f) => readSession(f)));
      const server = await startReplayServer({ sessions, port, host: options.host, speed });
      process.stdout.write(
        `replay-server: serving ${sessions.length} session(s) on ${server.url} (tokens: POST ${server.authUrl}/auth/token {"sub":"<user>"})\n`,
      );
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      const stop = new Promise<void>((resolve) => {
        if (timeoutMs > 0) {
          timer = setTimeout(() => {
            timedOut = true;
            resolve();
          }, timeoutMs);
        }
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await Promise.race([server.done, stop]);
      clearTimeout(timer);
      const summary = await server.close();
      process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
      if (timedOut && summary.sessions.some((s) => !s.complete)) {
        throw new ReplayError('REPLAY_SERVER_TIMEOUT', `not every session was served within ${timeoutMs} ms`);
      }
      if (!summary.ok) process.exitCode = 1;
    });
}
