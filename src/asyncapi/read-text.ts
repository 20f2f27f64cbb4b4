import { readFileSync, statSync } from 'node:fs';
import { SpecError } from './errors';
import { formatBytes, type SpecLimits } from './limits';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The text of a document's bytes: UTF-8 (a BOM is dropped), with no NUL byte. Anything else is not a document:
 * `SPEC_NOT_TEXT`, said in one line (never the parser's hundreds of complaints about binary noise).
 *
 * @example
 * decodeDocument(Buffer.from('asyncapi: 3.0.0\n'), 'a.yaml'); // 'asyncapi: 3.0.0\n'
 */
export function decodeDocument(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw SpecError.of('SPEC_NOT_TEXT', [
      { file, line: 1, col: 1, code: 'not-text', message: `a binary file (NUL byte at offset ${nul}), not a document` },
    ]);
  }
  try {
    return UTF8.decode(bytes);
  } catch (err) {
    throw SpecError.of(
      'SPEC_NOT_TEXT',
      [{ file, line: 1, col: 1, code: 'not-text', message: 'not UTF-8 text; a document must be UTF-8 YAML or JSON' }],
      { cause: err },
    );
  }
}

/** `SPEC_TOO_LARGE` for a file of `size` bytes over the limit. */
export function tooLarge(file: string, size: number, limits: SpecLimits): SpecError {
  return SpecError.of('SPEC_TOO_LARGE', [
    {
      file,
      line: 1,
      col: 1,
      code: 'too-large',
      message: `the file is ${formatBytes(size)} (${size} bytes); the limit is ${formatBytes(limits.maxBytes)}`,
    },
  ]);
}

/** `SPEC_UNREADABLE` for a file that cannot be read (or is not a file). */
export function unreadable(file: string, err: unknown): SpecError {
  const reason = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const message = `cannot read the document (${reason}): ${(err as Error).message}`;
  return SpecError.of('SPEC_UNREADABLE', [{ file, line: 1, col: 1, code: 'unreadable', message }], { cause: err });
}

/**
 * Reads a document (or a file a `$ref` names) as text: refused before reading when over `limits.maxBytes`, then
 * checked to be UTF-8 text. `shownAs` names it in errors.
 *
 * @throws SpecError `SPEC_UNREADABLE`, `SPEC_TOO_LARGE`, `SPEC_NOT_TEXT`.
 * @example
 * const text = readDocumentText('asyncapi.yaml', 'asyncapi.yaml', DEFAULT_SPEC_LIMITS);
 */
export function readDocumentText(file: string, shownAs: string, limits: SpecLimits): string {
  let bytes: Buffer;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) {
      throw Object.assign(new Error(`${file} is not a file`), { code: stat.isDirectory() ? 'EISDIR' : 'ENOTFILE' });
    }
    if (stat.size > limits.maxBytes) throw tooLarge(shownAs, stat.size, limits);
    bytes = readFileSync(file);
  } catch (err) {
    if (err instanceof SpecError) throw err;
    throw unreadable(shownAs, err);
  }
  // The file may have grown between stat and read.
  if (bytes.length > limits.maxBytes) throw tooLarge(shownAs, bytes.length, limits);
  return decodeDocument(bytes, shownAs);
}
