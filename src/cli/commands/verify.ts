import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import { NetraError } from '../../util/errors';
import { formatJunit, formatText, toJson, verifySessions } from '../../verify/offline';

interface VerifyCliOptions {
  json?: boolean;
  profile?: string;
  junit?: string;
  rules?: string;
  profiles?: string;
}

/** `netra-contracts verify FILE... [--json] [--profile P] [--junit FILE]`: exit 0 all hold, 1 a violation, 2 bad input. */
export function register(program: Command): void {
  program
    .command('verify')
    .description('Check recorded sessions against the message schemas and the behavioural rules (contracts/rules).')
    .argument('<files...>', 'session files (*.session.jsonl)')
    .option('--json', 'print the report as JSON')
    .option('--profile <name>', 'timing profile from contracts/profiles.yaml (local, ci, staging)')
    .option('--junit <file>', 'also write a JUnit XML report (one testsuite per session, one testcase per rule)')
    .option('--rules <dir>', 'rules folder (default contracts/rules)')
    .option('--profiles <file>', 'timing profiles file (default contracts/profiles.yaml)')
    .action(async (files: string[], options: VerifyCliOptions) => {
      const report = await verifySessions(files, {
        profile: options.profile,
        rulesDir: options.rules,
        profilesFile: options.profiles,
      });
      process.stdout.write(options.json ? `${JSON.stringify(toJson(report))}\n` : formatText(report));
      if (options.junit) {
        try {
          mkdirSync(path.dirname(path.resolve(options.junit)), { recursive: true });
          writeFileSync(options.junit, formatJunit(report));
        } catch (err) {
          throw new NetraError('JUNIT_UNWRITABLE', `${options.junit}: cannot write (${(err as Error).message})`);
        }
      }
      const unreadable = report.sessions.find((s) => s.error);
      if (unreadable?.error) throw new NetraError(unreadable.error.code, unreadable.error.message, { exitCode: 2 });
      if (!report.ok) process.exitCode = 1;
    });
}
