import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { validateServerMessage } from '../../../generated/validators';
import type { Stack } from '../../../src/provider';
import { startTestStack } from '../../support/provider-harness';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.close();
});

function chat(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = join(__dirname, '../../../bin/netra-contracts.js');
  const proc = spawn(process.execPath, [bin, 'chat', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('chat prints each event with its timing and the final answer, and exits 0', async () => {
  const { code, stdout, stderr } = await chat([
    '--url',
    stack.wsUrl,
    '--auth-url',
    stack.authUrl,
    '--user',
    'newcomer',
    'Where',
    'can',
    'I',
    'cut',
    'costs?',
  ]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain('> Where can I cut costs?');
  expect(stdout).toMatch(/\+\s*\d+ ms {2}connected as newcomer/);
  expect(stdout).toMatch(/▶ started {3}cost_optimizer/);
  expect(stdout).toMatch(/… thinking #1/);
  expect(stdout).toMatch(/⚙ cost_analyzer/);
  expect(stdout).toMatch(/✓ cost_analyzer/);
  expect(stdout).toMatch(/■ completed \(success\)/);
  expect(stdout).toContain('Answer');
  expect(stdout).toMatch(/\/month {2}total/);
  expect(stdout).not.toContain('\u001b['); // no colours when stdout is not a TTY
}, 30_000);

test('chat --json prints the raw frames, every one valid per asyncapi.yaml', async () => {
  const { code, stdout } = await chat([
    '--url',
    stack.wsUrl,
    '--auth-url',
    stack.authUrl,
    '--json',
    'Optimise my AI costs.',
  ]);
  expect(code).toBe(0);
  const frames = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { type: string });
  expect(frames[0].type).toBe('connection_established');
  expect(frames[frames.length - 1].type).toBe('agent_completed');
  for (const frame of frames) expect(validateServerMessage(frame)).toMatchObject({ ok: true });
}, 30_000);

test('chat exits 1 when the run ends with agent_error', async () => {
  const { code, stdout } = await chat([
    '--url',
    stack.wsUrl,
    '--auth-url',
    stack.authUrl,
    '--agent',
    'no_such_agent',
    'Hello',
  ]);
  expect(code).toBe(1);
  expect(stdout).toContain('agent_error UNKNOWN_AGENT');
}, 30_000);

test('chat exits 2 with a one-line reason when nothing listens', async () => {
  const { code, stderr } = await chat(['--url', 'ws://127.0.0.1:9/ws', '--auth-url', 'http://127.0.0.1:9', 'Hello']);
  expect(code).toBe(2);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^netra-contracts: CHAT_CONNECT_FAILED: /);
}, 30_000);

test('chat exits 2 when the token is refused', async () => {
  const { refresh_token } = await stack.auth.issueTokens('newcomer');
  const { code, stderr } = await chat(['--url', stack.wsUrl, '--token', refresh_token, 'Hello']);
  expect(code).toBe(2);
  expect(stderr).toMatch(/^netra-contracts: CHAT_AUTH_REFUSED: TOKEN_WRONG_TYPE/);
}, 30_000);
