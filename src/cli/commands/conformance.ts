import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import { openTarget } from '../../pipeline/embedded';
import {
  conformanceJson,
  ConformanceError,
  formatConformanceJunit,
  formatSummaryLine,
  formatVerdict,
  renderConformanceHtml,
  runConformance,
  tableHeader,
} from '../../verify/conformance';
import { loadScenarios, TIERS, type Tier } from '../../verify/scenarios';

interface ConformanceCliOptions {
  target?: string;
  targets?: string;
  url?: string;
  authUrl?: string;
  tier: string[];
  scenarios?: string;
  json?: boolean;
  junit?: string;
  report?: string;
  out: string;
  profile?: string;
  concurrency: string;
}

function writeFile(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

function tiers(values: string[]): Tier[] {
  for (const t of values) {
    if (!(TIERS as readonly string[]).includes(t)) {
      throw new ConformanceError(
        'CONFORMANCE_OPTIONS_INVALID',
        `--tier must be one of ${TIERS.join(', ')}, got ${JSON.stringify(t)}`,
      );
    }
  }
  return values as Tier[];
}

/**
 * `netra-contracts conformance --target NAME [--targets FILE] [--tier T]... [--json] [--junit FILE] [--report
 * FILE.html] [--out DIR]`: the scenario catalogue against a target; a table (or JSON), exit 0 when every selected
 * scenario passed, 1 when any failed, 2 for bad input or an unreachable target.
 */
export function register(program: Command): void {
  program
    .command('conformance')
    .description(
      'Run the scenario catalogue (by tier) against a provider: each scenario recorded live and verified against the schemas and every rule.',
    )
    .option(
      '--target <name>',
      'target: a targets-file entry, or reference (the embedded reference provider, the default)',
    )
    .option('--targets <file>', 'targets file (default netra-contracts.targets.yaml)')
    .option('--url <ws-url>', 'shorthand for a loopback target, e.g. ws://127.0.0.1:8000/ws')
    .option('--auth-url <http-url>', 'with --url: the auth service issuing development tokens')
    .option(
      '--tier <tier>',
      `${TIERS.join(', ')} (repeatable; default easy, medium, hard)`,
      (v: string, p: string[]) => [...p, v],
      [],
    )
    .option('--scenarios <dir>', 'scenario catalogue (default contracts/scenarios)')
    .option('--json', 'print the report as JSON')
    .option('--junit <file>', 'also write JUnit XML')
    .option('--report <file>', 'also write a self-contained HTML report')
    .option('--out <dir>', "where each scenario's session is kept", 'reports/conformance')
    .option('--profile <name>', "timing profile (default: the target's)")
    .option('--concurrency <n>', 'scenarios run at once (stress scenarios always run alone)', '4')
    .action(async (options: ConformanceCliOptions) => {
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new ConformanceError(
          'CONFORMANCE_OPTIONS_INVALID',
          `--concurrency must be a positive integer, got ${options.concurrency}`,
        );
      }
      const selected = tiers(options.tier);
      const scenarios = loadScenarios(options.scenarios);
      const opened = await openTarget(options);
      if (!options.json) process.stdout.write(tableHeader());
      try {
        const report = await runConformance({
          target: opened.target,
          tiers: selected,
          scenarios,
          outDir: options.out,
          concurrency,
          ...(options.profile !== undefined ? { profile: options.profile } : {}),
          onVerdict: (verdict) => {
            if (!options.json) process.stdout.write(formatVerdict(verdict));
          },
        });
        if (options.json) process.stdout.write(`${JSON.stringify(conformanceJson(report))}\n`);
        else process.stdout.write(`${formatSummaryLine(report)}\n`);
        if (options.junit !== undefined) writeFile(options.junit, formatConformanceJunit(report));
        if (options.report !== undefined) writeFile(options.report, renderConformanceHtml(report, options.report));
        if (!report.ok) process.exitCode = 1;
      } finally {
        await opened.close();
      }
    });
}
