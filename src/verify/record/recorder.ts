import { randomBytes } from 'crypto';
import { readFileSync, renameSync, rmSync } from 'fs';
import path from 'path';
import { loadProtocol } from '../../protocol';
import { createSessionWriter } from '../../sessions/writer';
import { LiveSession } from '../client';
import { tokenKindsOf, type Scenario } from '../scenarios';
import type { Target } from '../targets/types';
import { chaosUrls } from './chaos-urls';
import { CopyRunner } from './copy-runner';
import { RecordError } from './errors';
import { Naming } from './naming';
import { canPresent, sharedIdentityOf } from './tokens';

/** Options of {@link recordScenario} and {@link runRecording}. */
export interface RecordOptions {
  /**
   * Prefix of every user id of this run (fresh user ids, so runs of another run never reach this one). Default: a
   * fresh random one per recording; `''` keeps the scenario's names (only on a provider nobody else uses).
   */
  userPrefix?: string;
  /** No wait of the scenario gives up sooner than this, ms (default 0: the scenario's own timeouts). */
  minWaitMs?: number;
}

/** What a recording wrote. */
export interface RecordResult {
  scenario: string;
  file: string;
  /** Lines of the session file, header included. */
  lines: number;
  connections: number;
  /** Server frames the scenario's connections received. */
  frames: number;
  runs: number;
  /** Set by {@link runRecording} when the scenario failed or was skipped part-way (the session is still written). */
  error?: RecordError;
}

/** A fresh user prefix: `<6 hex>.` */
export function freshUserPrefix(): string {
  return `${randomBytes(3).toString('hex')}.`;
}

function checkTokens(scenario: Scenario, target: Target): void {
  for (const kind of tokenKindsOf(scenario)) {
    const can = canPresent(target, { kind });
    if (can !== true) throw new RecordError('RECORD_TOKEN_UNAVAILABLE', can);
  }
  const shared = sharedIdentityOf(target);
  const asOther = scenario.steps.some((s) => s.action === 'refresh' && s.asUser !== undefined);
  if (shared !== undefined && (scenario.users.size > 1 || scenario.copies > 1 || asOther)) {
    throw new RecordError('RECORD_TOKEN_UNAVAILABLE', `the scenario needs distinct users; ${shared}`);
  }
}

/**
 * Runs `scenario` against `target` and writes its session to `out`, even when the scenario fails or is skipped
 * part-way (then `error` says why): what `conformance` needs, to verify and show the traffic anyway. Throws
 * RecordError before writing anything when the target cannot run the scenario at all (a token kind its source
 * cannot make; faults on a remote target).
 *
 * @example
 * const result = await runRecording(scenario, target, 'reports/conformance/two-tabs.session.jsonl');
 * if (result.error) console.log(result.error.code, result.error.message);
 */
export async function runRecording(
  scenario: Scenario,
  target: Target,
  out: string,
  options: RecordOptions = {},
): Promise<RecordResult> {
  checkTokens(scenario, target);
  const chaos = await chaosUrls(scenario, target.urls);
  const writer = createSessionWriter(
    out,
    { scenario: scenario.name, provider: target.name, spec: loadProtocol().specName },
    // Opaque tokens and client secrets a provider might echo never reach the file (token-shaped text never does).
    { secrets: () => target.auth.secrets() },
  );
  const live = new LiveSession(writer);
  const prefix = options.userPrefix ?? freshUserPrefix();
  const ca = target.caFile !== undefined ? readFileSync(target.caFile) : undefined;
  const ctx = {
    scenario,
    target,
    live,
    urls: chaos.urls,
    minWaitMs: options.minWaitMs ?? 0,
    ...(ca !== undefined ? { ca } : {}),
  };
  let error: RecordError | undefined;
  try {
    const copies = Array.from(
      { length: scenario.copies },
      (_, i) => new CopyRunner(ctx, new Naming(scenario, prefix, i + 1, scenario.copies)),
    );
    const gap = scenario.copies > 1 ? scenario.rampMs / scenario.copies : 0;
    await Promise.all(copies.map((copy, i) => copy.run(i * gap)));
  } catch (err) {
    if (!(err instanceof RecordError)) throw err;
    error = err;
  } finally {
    await live.end();
    await chaos.close();
  }
  let frames = 0;
  for (const conn of live.conns.values()) frames += conn.received.length;
  const result = {
    scenario: scenario.name,
    file: out,
    lines: writer.lines,
    connections: live.conns.size,
    frames,
    runs: live.runs.size,
  };
  return error === undefined ? result : { ...result, error };
}

/**
 * Runs `scenario` against `target` and writes the session to `out` (written to `out.partial` first and renamed on
 * success, so a failed recording never replaces a good one). Tokens are redacted by the session writer. Throws
 * RecordError (see its codes) and then keeps no file.
 *
 * @example
 * const result = await recordScenario(loadScenario('contracts/scenarios/two-tabs.yaml'), target, 'out/two-tabs.session.jsonl');
 * console.log(result.lines, result.runs);
 */
export async function recordScenario(
  scenario: Scenario,
  target: Target,
  out: string,
  options: RecordOptions = {},
): Promise<RecordResult> {
  const partial = `${out}.partial`;
  let result: RecordResult;
  try {
    result = await runRecording(scenario, target, partial, options);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  if (result.error !== undefined) {
    rmSync(partial, { force: true });
    throw result.error;
  }
  renameSync(partial, out);
  return { ...result, file: out };
}

/** One scenario's outcome in {@link recordAll}: its result, or why it failed or was skipped. */
export type RecordOutcome = { scenario: string; result: RecordResult } | { scenario: string; error: RecordError };

/**
 * Records scenarios into `outDir/<name>.session.jsonl`, `concurrency` at a time (default: all at once). Users are
 * distinct across scenarios: with the default fresh prefix per recording, or, with `userPrefix: ''`, because the
 * scenario names must not share a user (RECORD_OPTIONS_INVALID otherwise). A scenario that fails or is skipped is
 * reported, the others go on.
 *
 * @example
 * const outcomes = await recordAll(loadScenarios(), target, 'contracts/sessions', { userPrefix: '' });
 */
export async function recordAll(
  scenarios: Scenario[],
  target: Target,
  outDir: string,
  options: RecordOptions & { concurrency?: number; onOutcome?: (outcome: RecordOutcome) => void } = {},
): Promise<RecordOutcome[]> {
  if (options.userPrefix === '') assertDistinctUsers(scenarios);
  const outcomes: RecordOutcome[] = new Array(scenarios.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < scenarios.length) {
      const index = next++;
      const scenario = scenarios[index];
      const out = path.join(outDir, `${scenario.name}.session.jsonl`);
      let outcome: RecordOutcome;
      try {
        outcome = { scenario: scenario.name, result: await recordScenario(scenario, target, out, options) };
      } catch (err) {
        if (!(err instanceof RecordError)) throw err;
        outcome = { scenario: scenario.name, error: err };
      }
      outcomes[index] = outcome;
      options.onOutcome?.(outcome);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? scenarios.length, scenarios.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return outcomes;
}

function assertDistinctUsers(scenarios: Scenario[]): void {
  const owner = new Map<string, string>();
  for (const scenario of scenarios) {
    for (const user of scenario.users.keys()) {
      const other = owner.get(user);
      if (other !== undefined && other !== scenario.name) {
        throw new RecordError(
          'RECORD_OPTIONS_INVALID',
          `user "${user}" appears in scenarios ${other} and ${scenario.name}: recorded at once with the scenarios' own names, their runs would meet`,
        );
      }
      owner.set(user, scenario.name);
    }
  }
}
