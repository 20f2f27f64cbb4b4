// The CLI as a user runs it: `node bin/netra-contracts.js ...` from the repository root, in its own process.
import { spawn } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `netra-contracts <args>` to its exit (no buffer cap: load reports and progress can be long). */
export function runCli(args: string[], cwd: string = REPO): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'netra-contracts.js'), ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}
