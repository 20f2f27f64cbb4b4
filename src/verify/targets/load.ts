import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { isRecord } from '../../util/records';
import type { AuthConfig } from '../auth/create';
import { TargetError } from './errors';
import { formatProblems, PositionFinder, problemsFromAjv, type TargetProblem } from './problems';
import { targetsValidator } from './schema';

/** File name of the targets file looked for at the repository root (the working directory) by default. */
export const DEFAULT_TARGETS_FILE = 'netra-contracts.targets.yaml';

/** One entry of the targets file, as written (snake_case; see `contracts/targets.schema.json`). */
export interface TargetEntry {
  description?: string;
  url?: string;
  urls?: string[];
  auth: AuthConfig;
  profile?: string;
  remote?: boolean;
  ca_file?: string;
  headers?: Record<string, string>;
  limits?: { max_users?: number; max_duration_s?: number };
  clock_leeway_s?: number;
}

/** A loaded, valid targets file. */
export interface TargetsFile {
  /** The path as given (used in messages). */
  file: string;
  /** Absolute folder of the file: relative paths inside it are relative to this. */
  dir: string;
  default?: string;
  targets: ReadonlyMap<string, TargetEntry>;
  /** `file:line:col` of a path inside the document, for messages about it. */
  where(path: readonly (string | number)[]): string;
}

// Handshake headers a target may not set: they are the tool's (credentials, the upgrade itself).
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'content-length',
  'transfer-encoding',
]);
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * Reads and validates a targets file: YAML syntax, `contracts/targets.schema.json`, and the rules beside it (`url` or
 * `urls`, each a ws(s) URL; no reserved header). Throws TargetError `TARGETS_UNREADABLE` or `TARGETS_INVALID`, whose
 * message has one `file:line:col  code  message` line per problem.
 *
 * @example
 * const file = loadTargetsFile('netra-contracts.targets.yaml');
 * file.targets.get('python')?.auth.kind; // 'jwt'
 */
export function loadTargetsFile(file: string): TargetsFile {
  const text = readTargetsText(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const finder = new PositionFinder(doc, lines);
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => {
      const pos = lines.linePos(error.pos[0]);
      return { ...pos, code: 'yaml-syntax', message: error.message.split('\n')[0] };
    });
    throw invalid(file, problems);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 50 });
  } catch {
    throw invalid(file, [
      { line: 1, col: 1, code: 'yaml-aliases', message: 'too many YAML aliases (at most 50 expansions)' },
    ]);
  }
  const validate = targetsValidator();
  if (!validate(value)) throw invalid(file, problemsFromAjv(validate.errors ?? [], finder));
  const document = value as { default?: string; targets: Record<string, TargetEntry> };
  const problems = Object.entries(document.targets).flatMap(([name, entry]) => entryProblems(name, entry, finder));
  if (document.default !== undefined && !Object.hasOwn(document.targets, document.default)) {
    problems.push({
      ...finder.at(['default']),
      code: 'unknown-target',
      message: `default names no target: ${JSON.stringify(document.default)}`,
    });
  }
  if (problems.length > 0) throw invalid(file, problems);
  return {
    file,
    dir: path.dirname(path.resolve(file)),
    ...(document.default !== undefined ? { default: document.default } : {}),
    targets: new Map(Object.entries(document.targets)),
    where: (at) => {
      const pos = finder.at(at);
      return `${file}:${pos.line}:${pos.col}`;
    },
  };
}

function readTargetsText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOENT' ? ' (write one from netra-contracts.targets.example.yaml, or give --targets FILE)' : '';
    throw new TargetError('TARGETS_UNREADABLE', `cannot read the targets file ${file} (${code ?? 'error'})${hint}`);
  }
  if (bytes.length > MAX_FILE_BYTES) {
    throw new TargetError(
      'TARGETS_UNREADABLE',
      `the targets file ${file} is ${bytes.length} bytes; at most ${MAX_FILE_BYTES}`,
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TargetError('TARGETS_UNREADABLE', `the targets file ${file} is not UTF-8 text`);
  }
}

function invalid(file: string, problems: readonly TargetProblem[]): TargetError {
  return new TargetError('TARGETS_INVALID', formatProblems(file, problems));
}

function entryProblems(name: string, entry: TargetEntry, finder: PositionFinder): TargetProblem[] {
  const base = ['targets', name];
  const problems: TargetProblem[] = [];
  const add = (at: (string | number)[], code: string, message: string, key = false): void => {
    problems.push({ ...finder.at([...base, ...at], key), code, message });
  };
  if ((entry.url === undefined) === (entry.urls === undefined)) {
    add([], 'url-or-urls', `targets.${name} needs exactly one of "url" or "urls"`);
  }
  const urls =
    entry.url !== undefined
      ? [{ at: ['url'], raw: entry.url }]
      : (entry.urls ?? []).map((raw, i) => ({ at: ['urls', i], raw }));
  for (const { at, raw } of urls) {
    if (!isWsUrl(raw)) add(at, 'bad-url', `targets.${name}.${at.join('.')} is not a ws:// or wss:// URL`);
  }
  for (const header of Object.keys(entry.headers ?? {})) {
    if (RESERVED_HEADERS.has(header.toLowerCase())) {
      add(
        ['headers', header],
        'reserved-header',
        `targets.${name}.headers cannot set ${header}: the tool sets it`,
        true,
      );
    }
  }
  if (isRecord(entry.auth) && entry.auth.kind === 'jwt') {
    const auth = entry.auth;
    const secret = Number(auth.secret_env !== undefined) + Number(auth.secret_file !== undefined);
    const symmetric = auth.alg.startsWith('HS');
    if (symmetric && (secret !== 1 || auth.private_key_file !== undefined)) {
      add(['auth'], 'jwt-key', `targets.${name}.auth: ${auth.alg} needs exactly one of secret_env or secret_file`);
    }
    if (!symmetric && (secret !== 0 || auth.private_key_file === undefined)) {
      add(['auth'], 'jwt-key', `targets.${name}.auth: ${auth.alg} needs private_key_file (and no secret)`);
    }
  }
  return problems;
}

function isWsUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
  } catch {
    return false;
  }
}
