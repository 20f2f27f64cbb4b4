import { mkdir, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { NetraError } from '../util/errors';
import { DEFAULT_TIERS } from '../verify/conformance';
import { runLoad } from '../verify/load';
import { formatText, toJson, verifySessions } from '../verify/offline';
import { recordAll } from '../verify/record';
import { replayAll } from '../verify/replay';
import { loadScenarios } from '../verify/scenarios';
import { openedTarget, type PipelineContext } from './context';
import { openTarget, PIPELINE_PROVIDER_OPTIONS } from './embedded';

/** The committed sessions the replay stage plays back. */
export const COMMITTED_SESSIONS_DIR = 'contracts/sessions';

async function sessionFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => n.endsWith('.session.jsonl'))
    .sort()
    .map((n) => path.join(dir, n));
}

/**
 * Stage `start target`: the embedded reference provider on free loopback ports, or the target named by
 * `--target/--targets` (`--url/--auth-url`).
 *
 * @example
 * await startTarget(ctx); // 'netra-reference@0.1.0 ws://127.0.0.1:33849/ws'
 */
export async function startTarget(ctx: PipelineContext): Promise<string> {
  ctx.opened = await openTarget(ctx.opts, PIPELINE_PROVIDER_OPTIONS);
  const { target } = ctx.opened;
  return `${target.name} ${target.urls.join(' ')} (auth: ${target.auth.kind})`;
}

/**
 * Stage `record scenarios`: every scenario of the default tiers, all at once, with fresh user ids (a per-run prefix),
 * so neither each other nor the replay running beside them (with the committed sessions' own users) can interfere.
 *
 * @example
 * await recordScenarios(ctx); // '25 scenarios recorded into reports/pipeline/sessions (1458 lines)'
 */
export async function recordScenarios(ctx: PipelineContext): Promise<string> {
  const { target } = openedTarget(ctx);
  await mkdir(ctx.recordedDir, { recursive: true });
  const scenarios = loadScenarios().filter((s) => DEFAULT_TIERS.includes(s.tier));
  const outcomes = await recordAll(scenarios, target, ctx.recordedDir);
  const failed = outcomes.flatMap((o) =>
    'error' in o && !o.error.skipped ? [`${o.scenario}: ${o.error.message}`] : [],
  );
  if (failed.length > 0) throw new NetraError('RECORD_FAILED', failed.join('; '));
  // As `record --all`: a scenario whose stated assumption the target does not meet (a run shorter than a 1-second
  // token, say) is skipped with its reason, not failed; the committed sessions replayed beside it still cover it.
  const skipped = outcomes.flatMap((o) =>
    'error' in o && o.error.skipped ? [`${o.scenario}: ${o.error.message}`] : [],
  );
  const lines = outcomes.reduce((n, o) => n + ('result' in o ? o.result.lines : 0), 0);
  const recorded = outcomes.length - skipped.length;
  const note = skipped.length > 0 ? `; ${skipped.length} skipped (${skipped.join('; ')})` : '';
  return `${recorded} scenarios recorded into ${ctx.recordedDir} (${lines} lines)${note}`;
}

/**
 * Stage `verify recordings`: the fresh recordings against the schemas and every rule.
 *
 * @example
 * await verifyRecordings(ctx); // '25 sessions hold all 39 rules (profile ci)'
 */
export async function verifyRecordings(ctx: PipelineContext): Promise<string> {
  const files = await sessionFiles(ctx.recordedDir);
  const report = await verifySessions(files, { profile: ctx.opts.profile });
  await writeFile(path.join(ctx.opts.out, 'verify.json'), `${JSON.stringify(toJson(report), null, 2)}\n`);
  if (!report.ok) {
    process.stderr.write(formatText(report));
    const n = report.sessions.reduce((s, r) => s + r.violations.length, 0);
    throw new NetraError('VERIFY_FAILED', `${n} rule violation(s) in the fresh recordings`);
  }
  return `${files.length} sessions hold all ${report.rules.length} rules (profile ${report.profile.name})`;
}

/**
 * Stage `replay committed sessions`: all at once. On our own provider with their recorded users and their exact shape
 * (our regression test); on any other provider judged by the contract only, with fresh users.
 *
 * @example
 * await replayCommitted(ctx); // '25 recorded sessions replayed against the live provider with their shape'
 */
export async function replayCommitted(ctx: PipelineContext): Promise<string> {
  const { target, embedded } = openedTarget(ctx);
  const files = await sessionFiles(COMMITTED_SESSIONS_DIR);
  const shape = embedded ? 'strict' : 'contract';
  const reports = await replayAll(files, { target, profile: ctx.opts.profile, shape });
  const failed = reports.filter((r) => !r.ok).map((r) => path.basename(r.file));
  if (failed.length > 0) throw new NetraError('REPLAY_FAILED', `${failed.join(', ')} did not replay`);
  const judged = embedded ? 'with their shape' : 'judged by the contract';
  return `${files.length} recorded sessions replayed against the live provider ${judged}`;
}

/**
 * Stage `load`: a short load with live rules checking and the profile's thresholds.
 *
 * @example
 * await shortLoad(ctx); // '10 users 6 s: 24/24 runs, 356/356 events, first event p99 1.7 ms, 0 violations'
 */
export async function shortLoad(ctx: PipelineContext): Promise<string> {
  const { opts } = ctx;
  if (opts.loadUsers <= 0) return 'skipped (--load-users 0)';
  const { target, embedded } = openedTarget(ctx);
  const { report, broken } = await runLoad({
    target,
    embedded,
    users: opts.loadUsers,
    durationS: opts.loadDuration,
    profile: opts.profile,
    drainS: 30,
  });
  await writeFile(path.join(opts.out, 'load.json'), `${JSON.stringify(report, null, 2)}\n`);
  const violations = Object.values(report.violations).reduce((a, b) => a + b, 0);
  const summary =
    `${report.users} users ${report.duration_s} s: ${report.runs.completed}/${report.runs.started} runs, ` +
    `${report.events.delivered}/${report.events.expected} events, first event p99 ` +
    `${(report.first_event_ms.p99 ?? NaN).toFixed(1)} ms, ${violations} violations`;
  if (broken.length > 0) {
    throw new NetraError('THRESHOLDS_BROKEN', `${summary}; broken: ${broken.map((b) => b.threshold).join(', ')}`);
  }
  return summary;
}
