import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../util/paths';

// Validators generated from a corpus document are code made from someone else's text. They are never loaded into
// this process: a child process loads them under Node's permission model, reading only the generated folder and the
// installed packages, with no file writes, no child processes, no worker threads and no environment but NODE_PATH,
// and is killed at a time limit. (Node 20's permission model does not cover the network; the escaping of every text
// that reaches generated code, tested on its own, is what keeps the code from doing anything at all.)

/** One example to validate: the message it belongs to and its payload. */
export interface SandboxCase {
  message: string;
  payload: unknown;
}

/** What the generated validator said: ok, or its most telling error (`<pointer> <message>`). */
export type SandboxOutcome = { ok: true } | { ok: false; error: string };

const TIMEOUT_MS = 60_000;

// Runs in the child: reads the cases from stdin, validates each with the generated validators, prints the outcomes.
const CHILD = String.raw`
'use strict';
const generated = require(process.argv[1]);
// The most telling error of a failed validation: for a failed oneOf/anyOf, ajv lists every branch's first error;
// the one deepest in the data is usually the real mistake (a wrong field), not a branch that did not apply.
function bestError(validate) {
  const errors = (validate.errors || []).filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const all = errors.length > 0 ? errors : validate.errors || [];
  if (all.length === 0) return '/ invalid';
  const depth = (e) => {
    const own = e.instancePath.split('/').length;
    return e.keyword === 'required' ? own + 0.5 : e.keyword === 'additionalProperties' ? own + 1 : own;
  };
  const chosen = all.reduce((best, e) => (depth(e) > depth(best) ? e : best), all[0]);
  let pointer = chosen.instancePath;
  if (chosen.keyword === 'required') pointer += '/' + String(chosen.params.missingProperty);
  if (chosen.keyword === 'additionalProperties') pointer += '/' + String(chosen.params.additionalProperty);
  return (pointer || '/') + ' ' + (chosen.message || chosen.keyword);
}
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const outcomes = JSON.parse(input).map((c) => {
    const result = generated.validateMessage(c.message, c.payload);
    return result.ok ? { ok: true } : { ok: false, error: bestError(generated.validators[c.message]) };
  });
  process.stdout.write(JSON.stringify(outcomes));
});
`;

/** The flag that turns Node's permission model on (renamed from `--experimental-permission` in Node 22). */
function permissionFlag(): string {
  return process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
}

/**
 * Validates `cases` with the generated validators in `validatorsDir`, in a child process that may read only that
 * folder and the installed packages. Rejects when the child fails, is killed, or answers something else than the
 * outcomes.
 *
 * @example
 * const outcomes = await validateInSandbox('/tmp/corpus-1/01-doc/validators', [{ message: 'ping', payload: {} }]);
 */
export function validateInSandbox(validatorsDir: string, cases: SandboxCase[]): Promise<SandboxOutcome[]> {
  const modules = path.join(PROJECT_ROOT, 'node_modules');
  const readable = [path.join(validatorsDir, '*'), path.join(modules, '*')];
  const args = [permissionFlag(), ...readable.map((p) => `--allow-fs-read=${p}`), '--no-warnings', '-e', CHILD];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, path.join(validatorsDir, 'index.js')], {
      env: { NODE_PATH: modules }, // where the validators' own requires (ajv, ajv-formats) resolve; nothing else
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = signal !== null ? `killed (${signal})` : `exit ${code}`;
        const line = stderr.split('\n').find((l) => /Error|denied/i.test(l)) ?? stderr.split('\n')[0] ?? '';
        reject(new Error(`the validators failed in their sandbox (${why}): ${line.trim()}`));
        return;
      }
      try {
        const outcomes = JSON.parse(stdout) as SandboxOutcome[];
        if (!Array.isArray(outcomes) || outcomes.length !== cases.length) throw new Error('wrong number of outcomes');
        resolve(outcomes);
      } catch (err) {
        reject(new Error(`the validators' sandbox answered nonsense: ${(err as Error).message}`));
      }
    });
    child.stdin.on('error', () => undefined); // the child may exit before reading everything; 'close' reports it
    child.stdin.end(JSON.stringify(cases));
  });
}
