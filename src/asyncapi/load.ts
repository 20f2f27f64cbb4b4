import * as path from 'node:path';
import { effectiveOptions, limitsOf, type LoadOptions } from './limits';
import type { ParseRequest } from './parse-document';
import type { Spec } from './model';
import { parseInThread } from './parse-thread';
import { decodeDocument, readDocumentText, tooLarge } from './read-text';

/**
 * Reads and parses an AsyncAPI document (2.6 or 3.x) from a file; relative `$ref`s are resolved from its folder and
 * may not leave it (unless `allowRefOutside`). Remote (`http(s)://`) `$ref`s are never fetched: they are reported as
 * problems. Every limit (`DEFAULT_SPEC_LIMITS`) is checked before the AsyncAPI parser sees the document, and the
 * parse runs in a worker process that is stopped at the time and memory limits: every document ends in a `Spec` or
 * a `SpecError`, never in a hang.
 *
 * @throws SpecError (exit 2): `SPEC_UNREADABLE`, `SPEC_TOO_LARGE`, `SPEC_NOT_TEXT`, `SPEC_TOO_COMPLEX`,
 *   `SPEC_REF_CYCLE`, `SPEC_REF_OUTSIDE`, `SPEC_TIMEOUT`, or `SPEC_INVALID` with every error the parser found.
 * @example
 * const spec = await loadSpec('asyncapi.yaml');
 * console.log(spec.title, spec.messages.map((m) => `${m.name}:${m.direction}`));
 */
export async function loadSpec(file: string, options: LoadOptions = {}): Promise<Spec> {
  const request = requestOf(file, options);
  const text = readDocumentText(file, file, request.limits);
  return parseInThread({ ...request, text });
}

/**
 * Parses an AsyncAPI document given as text, as `loadSpec` does. `sourceName` names it in diagnostics and is the
 * base for relative `$ref`s (resolved from its folder, relative to the working directory).
 *
 * @throws SpecError as `loadSpec`.
 * @example
 * const spec = await loadSpecFromString(yamlText, 'inline.yaml');
 * const startAgent = spec.messages.find((m) => m.type === 'start_agent');
 */
export async function loadSpecFromString(text: string, sourceName: string, options: LoadOptions = {}): Promise<Spec> {
  const request = requestOf(sourceName, options);
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > request.limits.maxBytes) throw tooLarge(sourceName, bytes.length, request.limits);
  decodeDocument(bytes, sourceName);
  return parseInThread({ ...request, text });
}

function requestOf(sourceName: string, options: LoadOptions): Omit<ParseRequest, 'text'> {
  const effective = effectiveOptions(options);
  return {
    sourceName,
    allowRefOutside: effective.allowRefOutside ?? false,
    refRoot: path.resolve(effective.refRoot ?? path.dirname(path.resolve(sourceName))),
    limits: limitsOf(effective),
  };
}
