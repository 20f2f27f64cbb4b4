import { readFileSync, renameSync, rmSync } from 'fs';
import path from 'path';
import { startStack, type Stack, type StackOptions } from '../../provider';
import { createSessionWriter } from '../../sessions/writer';
import { loadProtocol } from '../../protocol';
import { RecordError } from './errors';
import { LiveSession } from './live-session';
import { runScenario, type ScenarioOutcome } from './run-scenario';
import type { Scenario } from './scenario';
import { devTokens, embeddedTokens, type TokenSource } from './tokens';
import { projectPath } from '../../util/paths';

/**
 * Provider settings of the embedded stack that recordings are made on (and that the contract tests replay them
 * on): model and tool latencies of a few hundred ms, so that a run lasts a few seconds as a real one does and a drop,
 * a refresh or an expiry lands in the middle of it; a 100 ms expiry sweep so an expired token is noticed promptly.
 */
export const RECORDING_PROVIDER_OPTIONS: NonNullable<StackOptions['provider']> = {
  thinkMs: 250,
  toolMs: 300,
  jitter: 0.2,
  sweepMs: 100,
};

/** Where a recording (or a replay) connects and how it gets its tokens. */
export interface LiveTarget {
  wsUrl: string;
  tokens: TokenSource;
  /** The header's `provider`. */
  providerName: string;
}

function packageVersion(): string {
  try {
    return String(JSON.parse(readFileSync(projectPath('package.json'), 'utf8')).version);
  } catch {
    return '0.0.0';
  }
}

/** `netra-reference@<package version>`: the provider name of recordings made on the embedded stack. */
export const REFERENCE_PROVIDER = `netra-reference@${packageVersion()}`;

/**
 * Starts the embedded stack (auth service + reference provider on free 127.0.0.1 ports) with
 * {@link RECORDING_PROVIDER_OPTIONS}, and the target to record or replay against it.
 *
 * @example
 * const { stack, target } = await startRecordingStack();
 * await recordScenario(scenario, target, 'contracts/sessions/first-message.session.jsonl');
 * await stack.close();
 */
export async function startRecordingStack(
  provider: StackOptions['provider'] = {},
): Promise<{ stack: Stack; target: LiveTarget }> {
  const stack = await startStack({ provider: { ...RECORDING_PROVIDER_OPTIONS, ...provider } });
  return {
    stack,
    target: { wsUrl: stack.wsUrl, tokens: embeddedTokens(stack.auth), providerName: REFERENCE_PROVIDER },
  };
}

/**
 * The target of an external provider: `--url ws://...` with development tokens from `--auth-url http://...`.
 * Throws RecordError `RECORD_OPTIONS_INVALID` for URLs that are not ws(s):// and http(s)://.
 *
 * @example
 * const target = externalTarget('ws://127.0.0.1:8000/ws', 'http://127.0.0.1:8001');
 */
export function externalTarget(wsUrl: string, authUrl: string | undefined): LiveTarget {
  let url: URL;
  try {
    url = new URL(wsUrl);
  } catch {
    throw new RecordError('RECORD_OPTIONS_INVALID', `--url is not a URL: ${JSON.stringify(wsUrl)}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new RecordError('RECORD_OPTIONS_INVALID', `--url must be ws:// or wss://, got ${url.protocol}`);
  }
  if (authUrl === undefined) {
    throw new RecordError(
      'RECORD_OPTIONS_INVALID',
      '--auth-url is required with --url: tokens come from its POST /auth/token',
    );
  }
  if (!/^https?:\/\//.test(authUrl))
    throw new RecordError('RECORD_OPTIONS_INVALID', `--auth-url must be http(s)://, got ${authUrl}`);
  return { wsUrl, tokens: devTokens(authUrl), providerName: url.host };
}

/** What {@link recordScenario} wrote. */
export interface RecordResult extends ScenarioOutcome {
  scenario: string;
  file: string;
  /** Lines of the session file, header included. */
  lines: number;
}

/**
 * Runs `scenario` against `target` and writes the session to `out` (written to `out.partial` first and renamed on
 * success, so a failed recording never replaces a good one). Tokens are redacted by the session writer.
 * Throws RecordError (see {@link runScenario}).
 *
 * @example
 * const result = await recordScenario(loadScenario('contracts/scenarios/two-tabs.yaml'), target, 'out/two-tabs.session.jsonl');
 * console.log(result.lines, result.runs);
 */
export async function recordScenario(scenario: Scenario, target: LiveTarget, out: string): Promise<RecordResult> {
  const partial = `${out}.partial`;
  const writer = createSessionWriter(partial, {
    scenario: scenario.name,
    provider: target.providerName,
    spec: loadProtocol().specName,
  });
  const live = new LiveSession(target.wsUrl, writer);
  let outcome: ScenarioOutcome;
  try {
    outcome = await runScenario(scenario, live, target.tokens);
    await live.end();
  } catch (err) {
    await live.abort();
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, out);
  return { ...outcome, scenario: scenario.name, file: out, lines: writer.lines };
}

/**
 * Records every scenario into `outDir/<name>.session.jsonl`. Against the embedded stack (no `target`) each scenario
 * gets a freshly started stack, so request ids and runs of one scenario never meet another's.
 *
 * @example
 * const results = await recordAll(loadScenarios(), 'contracts/sessions');
 */
export async function recordAll(
  scenarios: Scenario[],
  outDir: string,
  options: { target?: LiveTarget; onResult?: (result: RecordResult) => void } = {},
): Promise<RecordResult[]> {
  const results: RecordResult[] = [];
  for (const scenario of scenarios) {
    const out = path.join(outDir, `${scenario.name}.session.jsonl`);
    let result: RecordResult;
    if (options.target) {
      result = await recordScenario(scenario, options.target, out);
    } else {
      const { stack, target } = await startRecordingStack();
      try {
        result = await recordScenario(scenario, target, out);
      } finally {
        await stack.close();
      }
    }
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}
