#!/usr/bin/env node
'use strict';
// CI's interop step: starts the Python provider on a free loopback port with a fresh HS256 secret, points a `jwt`
// target at it (the `python` entry of netra-contracts.targets.example.yaml, with the port it got), and runs
// `netra-contracts conformance` on it. Exit code: conformance's. Usage: node interop/python-provider/conformance.js
// [conformance flags, default: --tier easy --tier medium --tier hard --profile ci]. PYTHON_PROVIDER_ARGS adds flags
// to the provider (e.g. '--think-ms 1500 --tool-ms 500' for runs long enough to outlast a token).
// NETRA_INTEROP_PYTHON names the interpreter, as for the interop tests.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..', '..');
const python = process.env.NETRA_INTEROP_PYTHON ?? '/usr/bin/python3';
const args = process.argv.slice(2);
const conformanceArgs =
  args.length > 0 ? args : ['--tier', 'easy', '--tier', 'medium', '--tier', 'hard', '--profile', 'ci'];
const env = { ...process.env, NETRA_JWT_SECRET: randomBytes(32).toString('base64url') };
const dir = mkdtempSync(path.join(tmpdir(), 'netra-python-conformance-'));

function targetsFile(url) {
  const file = path.join(dir, 'targets.yaml');
  writeFileSync(
    file,
    [
      'version: 1',
      'targets:',
      '  python:',
      `    url: ${url}`,
      '    auth:',
      '      kind: jwt',
      '      alg: HS256',
      '      secret_env: NETRA_JWT_SECRET',
      '      claims: { iss: netra-auth-service, aud: netra-platform, token_type: access, permissions: [chat] }',
      '      ttl_s: 900',
      '    clock_leeway_s: 5',
      '',
    ].join('\n'),
  );
  return file;
}

function listening(provider) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Python provider did not start within 20 s')), 20_000);
    provider.once('exit', (code) => reject(new Error(`the Python provider exited (${code}) before listening`)));
    readline.createInterface({ input: provider.stdout }).on('line', (line) => {
      try {
        const event = JSON.parse(line);
        if (event.event === 'listening') {
          clearTimeout(timer);
          resolve(event.url);
        }
      } catch {
        // not the listening line
      }
    });
  });
}

async function main() {
  const script = path.join(root, 'interop', 'python-provider', 'provider.py');
  const extra = (process.env.PYTHON_PROVIDER_ARGS ?? '').split(/\s+/).filter(Boolean);
  const provider = spawn(python, [script, '--host', '127.0.0.1', '--port', '0', ...extra], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const url = await listening(provider);
    process.stderr.write(`python provider: ${url}\n`);
    const cli = path.join(root, 'bin', 'netra-contracts.js');
    const run = spawn(
      process.execPath,
      [cli, 'conformance', '--targets', targetsFile(url), '--target', 'python', ...conformanceArgs],
      {
        env,
        stdio: 'inherit',
        cwd: root,
      },
    );
    return await new Promise((resolve) => run.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    provider.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`conformance-python: ${err.message}\n`);
    process.exit(2);
  },
);
