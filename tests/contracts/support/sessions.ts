// The committed recordings and scenarios the contract tests run over.
import { readdirSync } from 'fs';
import path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SESSIONS_DIR = path.join(ROOT, 'contracts', 'sessions');
export const SCENARIOS_DIR = path.join(ROOT, 'contracts', 'scenarios');
export const CLI = path.join(ROOT, 'bin', 'netra-contracts.js');

/** Every committed session file, sorted. */
export function sessionFiles(): string[] {
  return readdirSync(SESSIONS_DIR)
    .filter((name) => name.endsWith('.session.jsonl'))
    .sort()
    .map((name) => path.join(SESSIONS_DIR, name));
}

/** `drop-resume` for `.../drop-resume.session.jsonl`. */
export function nameOf(file: string): string {
  return path.basename(file).replace(/\.session\.jsonl$/, '');
}
