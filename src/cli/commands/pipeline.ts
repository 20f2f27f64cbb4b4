import { mkdir, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Command } from 'commander';
import { generateDocs, writeDocs } from '../../docs';
import { NetraError } from '../../util/errors';
import { runLoad } from '../../verify/load';
import { checkRegistry } from '../../registry';
import { formatText, toJson, verifySessions } from '../../verify/offline';
import { recordAll } from '../../verify/record';
import { replayAll } from '../../verify/replay';
import { DEFAULT_TIERS } from '../../verify/conformance';
import { loadScenarios } from '../../verify/scenarios';
import { RECORDING_PROVIDER_OPTIONS, startEmbeddedTarget, type EmbeddedTarget } from '../../pipeline/embedded';
import type { Target } from '../../verify/targets/types';
import { generateAll } from '../../pipeline/generate-all';
import { formatSummary, runStages, type StageOutcome } from '../../pipeline/stages';

interface PipelineOptions {
  spec: string;
  out: string;
  profile: string;
  loadUsers: number;
  loadDuration: number;
  json: boolean;
}

function sessionFiles(dir: string): Promise<string[]> {
  return readdir(dir).then((names) =>
    names
      .filter((n) => n.endsWith('.session.jsonl'))
      .sort()
      .map((n) => path.join(dir, n)),
  );
}

/** Records every scenario of the default tiers at once (users are distinct across scenarios; the provider is ours). */
async function recordStage(target: Target, recordedDir: string): Promise<string> {
  await mkdir(recordedDir, { recursive: true });
  const scenarios = loadScenarios().filter((s) => DEFAULT_TIERS.includes(s.tier));
  const outcomes = await recordAll(scenarios, target, recordedDir, { userPrefix: '' });
  const failed = outcomes.flatMap((o) => ('error' in o ? [`${o.scenario}: ${o.error.message}`] : []));
  if (failed.length > 0) throw new NetraError('RECORD_FAILED', failed.join('; '));
  const lines = outcomes.reduce((n, o) => n + ('result' in o ? o.result.lines : 0), 0);
  return `${outcomes.length} scenarios recorded into ${recordedDir} (${lines} lines)`;
}

/** Replays the committed sessions at once, with their own (distinct) users: strict shape, our regression test. */
async function replayStage(target: Target, profile: string): Promise<string> {
  const files = await sessionFiles('contracts/sessions');
  const reports = await replayAll(files, { target, profile, shape: 'strict' });
  const failed = reports.filter((r) => !r.ok).map((r) => path.basename(r.file));
  if (failed.length > 0) throw new NetraError('REPLAY_FAILED', `${failed.join(', ')} did not replay`);
  return `${files.length} recorded sessions replayed against the live provider with their shape`;
}

/**
 * `netra-contracts pipeline`: the main job, end to end on the embedded provider. Generate and check, registry
 * check, start the provider on free ports, record and verify every scenario, replay the committed sessions, a short
 * load, write the docs, print a summary. Exit 1 when any stage failed.
 */
export function register(program: Command): void {
  program
    .command('pipeline')
    .description('The main job: generate+check, registry, provider on free ports, record+verify, replay, load, docs.')
    .option('--spec <file>', 'AsyncAPI document', 'asyncapi.yaml')
    .option('--out <dir>', 'where recorded sessions, reports and the docs site go', 'reports/pipeline')
    .option('--profile <name>', 'timing profile for verify, replay and load', 'ci')
    .option('--load-users <n>', 'users of the short load stage (0 skips it)', (v) => Number.parseInt(v, 10), 10)
    .option('--load-duration <s>', 'seconds of the short load stage', (v) => Number.parseInt(v, 10), 8)
    .option('--json', 'print the stage outcomes as JSON', false)
    .action(async (opts: PipelineOptions) => {
      const outcomes = await runPipeline(opts);
      if (opts.json) process.stdout.write(`${JSON.stringify({ ok: outcomes.every((o) => o.ok), stages: outcomes })}\n`);
      else process.stdout.write(`\n${formatSummary(outcomes)}\n`);
      if (!outcomes.every((o) => o.ok)) {
        throw new NetraError(
          'PIPELINE_FAILED',
          `${outcomes
            .filter((o) => !o.ok)
            .map((o) => o.name)
            .join(', ')} failed`,
          {
            exitCode: 1,
          },
        );
      }
    });
}

async function runPipeline(opts: PipelineOptions): Promise<StageOutcome[]> {
  const recordedDir = path.join(opts.out, 'sessions');
  const log = (o: StageOutcome): void => {
    if (!opts.json) process.stderr.write(`${o.ok ? 'ok  ' : 'FAIL'}  ${o.name}: ${o.detail}\n`);
  };
  let embedded: EmbeddedTarget | undefined;
  try {
    return await runStages(
      [
        {
          name: 'generate --check',
          run: async () => {
            const r = await generateAll({ spec: opts.spec, out: 'generated', check: true });
            return `${r.codegen.files.length + r.docsFiles} generated files match ${opts.spec} ${r.codegen.spec.version}`;
          },
        },
        {
          name: 'registry check',
          run: async () => {
            const r = await checkRegistry({ spec: opts.spec, registryDir: 'schemas' });
            if (!r.ok) {
              const why = [
                ...r.changes.filter((c) => c.breaking).map((c) => `${c.kind} at ${c.message ?? ''}${c.path}`),
              ];
              why.push(...r.drift.map((d) => `unregistered: ${d.detail}`), ...r.integrity);
              throw new NetraError('REGISTRY_CHECK_FAILED', why.slice(0, 3).join('; ') || 'registry check failed');
            }
            return `${Object.keys(r.messages).length} messages registered, no incompatible change`;
          },
        },
        {
          name: 'start provider',
          run: async () => {
            embedded = await startEmbeddedTarget({ provider: RECORDING_PROVIDER_OPTIONS });
            return `provider ${embedded.stack.wsUrl}, auth ${embedded.stack.authUrl}`;
          },
        },
        {
          name: 'record scenarios',
          needs: ['start provider'],
          run: () => recordStage(embedded!.target, recordedDir),
        },
        {
          name: 'verify recordings',
          needs: ['record scenarios'],
          run: async () => {
            const files = await sessionFiles(recordedDir);
            const report = await verifySessions(files, { profile: opts.profile });
            await writeFile(path.join(opts.out, 'verify.json'), `${JSON.stringify(toJson(report), null, 2)}\n`);
            if (!report.ok) {
              process.stderr.write(formatText(report));
              const n = report.sessions.reduce((s, r) => s + r.violations.length, 0);
              throw new NetraError('VERIFY_FAILED', `${n} rule violation(s) in the fresh recordings`);
            }
            return `${files.length} sessions hold all ${report.rules.length} rules (profile ${report.profile.name})`;
          },
        },
        {
          name: 'replay committed sessions',
          needs: ['start provider'],
          run: () => replayStage(embedded!.target, opts.profile),
        },
        {
          name: 'load',
          needs: ['start provider'],
          run: async () => {
            if (opts.loadUsers <= 0) return 'skipped (--load-users 0)';
            const s = embedded!.stack;
            const { report, broken } = await runLoad({
              url: s.wsUrl,
              authUrl: s.authUrl,
              users: opts.loadUsers,
              durationS: opts.loadDuration,
              profile: opts.profile,
              drainS: 30,
            });
            await writeFile(path.join(opts.out, 'load.json'), `${JSON.stringify(report, null, 2)}\n`);
            const summary =
              `${report.users} users ${report.duration_s} s: ${report.runs.completed}/${report.runs.started} runs, ` +
              `${report.events.delivered}/${report.events.expected} events, first event p99 ` +
              `${(report.first_event_ms.p99 ?? NaN).toFixed(1)} ms, ${Object.values(report.violations).reduce((a, b) => a + b, 0)} violations`;
            if (broken.length > 0) {
              throw new NetraError(
                'THRESHOLDS_BROKEN',
                `${summary}; broken: ${broken.map((b) => b.threshold).join(', ')}`,
              );
            }
            return summary;
          },
        },
        {
          name: 'docs',
          run: async () => {
            const started = Date.now();
            const site = await generateDocs({
              specFile: opts.spec,
              sessionsDir: 'contracts/sessions',
              rulesDir: 'contracts',
              registryDir: 'schemas',
            });
            const dir = path.join(opts.out, 'docs');
            await writeDocs(dir, site.files);
            return `${path.join(dir, 'index.html')} (${site.files.size} files, ${(site.bytes / 1024).toFixed(1)} KB, ${Date.now() - started} ms)`;
          },
        },
      ],
      log,
    );
  } finally {
    await embedded?.close();
  }
}
