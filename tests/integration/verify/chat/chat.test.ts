// `chat` is a client of the contract, on the generated client: it works against a provider that is not ours (the
// Python provider, its own agent and tools, HS256 tokens), and says clearly when a token is refused.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runChat, type ChatFrame } from '../../../../src/verify/chat';
import { CLI, ROOT, startPython, type PythonProvider } from '../support/providers';

const run = promisify(execFile);
let python: PythonProvider;
beforeAll(async () => {
  python = await startPython();
});
afterAll(async () => {
  await python.stop();
});

describe('chat against the Python provider', () => {
  it('streams a whole run through the generated client: every frame valid, the answer at the end', async () => {
    const frames: ChatFrame[] = [];
    const outcome = await runChat({
      url: python.url,
      tokens: python.target.auth,
      user: 'chat.alice',
      message: 'Where can we cut our LLM spend?',
      onFrame: (f) => frames.push(f),
    });
    expect(outcome.status).toMatch(/^(success|partial)$/);
    expect(outcome.invalidFrames).toBe(0);
    const types = frames.map((f) => f.msg?.type);
    expect(types[0]).toBe('connection_established');
    expect(types).toEqual(
      expect.arrayContaining(['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed']),
    );
    expect(types.at(-1)).toBe('agent_completed');
    expect(frames.every((f) => f.problems.length === 0)).toBe(true);
  }, 30_000);

  it('through the CLI with --token: prints the run; a refused token is a one-line CHAT_AUTH_REFUSED (exit 2)', async () => {
    const { token } = await python.target.auth.token({ user: 'chat.bob' });
    const { stdout } = await run(
      process.execPath,
      [CLI, 'chat', '--url', python.url, '--token', token, '--user', 'chat.bob', 'Save money please.'],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(stdout).toMatch(/connected as chat\.bob/);
    expect(stdout).toMatch(/▶ started\s+budget_advisor/);
    expect(stdout).toMatch(/■ completed \((success|partial)\)/);
    expect(stdout).not.toContain(token);
    const { token: expired } = await python.target.auth.token({ user: 'chat.bob', kind: 'expired' });
    const refused = await run(process.execPath, [CLI, 'chat', '--url', python.url, '--token', expired, 'hi'], {
      cwd: ROOT,
    }).catch((err: { code: number; stderr: string }) => err);
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^netra-contracts: CHAT_AUTH_REFUSED: TOKEN_EXPIRED: .*\n$/),
    });
    expect((refused as { stderr: string }).stderr).not.toContain(expired);
  }, 60_000);
});
