import * as path from 'node:path';
import type { Parser } from '@asyncapi/parser';
import { isRecord } from '../util/records';
import { checkReferences } from './check-refs';
import { SpecError, type SpecDiagnostic } from './errors';
import { isInsideFolder } from './inside-folder';
import type { SpecLimits } from './limits';
import type { Spec } from './model';
import { readDocumentText } from './read-text';
import { toSpec } from './to-spec';
import { readYamlGuarded } from './yaml-guard';
import { shareSpecSchemas } from './shared-spec-schemas';
import { usePrebuiltRulesetValidator } from './prebuilt-ruleset-validator';

// Parsing proper: the guards, then the AsyncAPI parser, then the `Spec`. Runs in the loader's worker process (see
// parse-worker.ts), where the time and memory limits can stop it.

/** What the worker is asked to parse. */
export interface ParseRequest {
  text: string;
  /** Names the document in diagnostics; its folder is the base of relative `$ref`s. */
  sourceName: string;
  /** The folder relative `$ref`s may not leave (absolute). */
  refRoot: string;
  allowRefOutside: boolean;
  limits: SpecLimits;
}

type ParseOutput = Awaited<ReturnType<Parser['parse']>>;

/** What the resolvers refused during a parse: remote URLs, and files refused by a limit or the folder rule. */
interface Blocked {
  remote: string[];
  errors: SpecError[];
}

// One parser per worker process: building Spectral's rulesets is the expensive part (most of a second), parsing is reentrant.
// Required here, on first use, so that only commands that read a document pay for it.
let sharedParser: Parser | undefined;
function parser(): Parser {
  if (sharedParser === undefined) {
    shareSpecSchemas();
    usePrebuiltRulesetValidator();
    const { Parser: ParserClass } = require('@asyncapi/parser') as typeof import('@asyncapi/parser');
    sharedParser = new ParserClass();
  }
  return sharedParser;
}

/** Builds the thread's parser now (the expensive part of the first parse), so a later parse starts at once. */
export function warmParser(): void {
  parser();
}

/** Where diagnostics about `absolute` are said to be: the name the caller used for the root, else cwd-relative. */
function displayPath(absolute: string | undefined, rootAbsolute: string, rootName: string): string {
  if (absolute === undefined || absolute === '' || path.resolve(absolute) === rootAbsolute) return rootName;
  const relative = path.relative(process.cwd(), absolute);
  return relative === '' ? absolute : relative;
}

/** Line (1-based) and column (1-based) of the first occurrence of `needle` in `text`, else 1:1. */
function locate(text: string, needle: string): { line: number; col: number } {
  const at = text.indexOf(needle);
  if (at < 0) return { line: 1, col: 1 };
  const before = text.slice(0, at).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}

/** The checks that must hold before the parser may see the document (it would hang or read anything otherwise). */
function guard(request: ParseRequest, rootAbsolute: string): void {
  const { text, sourceName, limits } = request;
  const yaml = readYamlGuarded(text, sourceName, limits);
  if (yaml === undefined) return; // not well-formed: the parser says where
  if (!isRecord(yaml.data) || !('asyncapi' in yaml.data)) {
    const what = isRecord(yaml.data) ? 'a mapping without an `asyncapi` field' : `a YAML ${typeof yaml.data}`;
    throw SpecError.of('SPEC_INVALID', [
      { file: sourceName, line: 1, col: 1, code: 'not-asyncapi', message: `not an AsyncAPI document: ${what}` },
    ]);
  }
  checkReferences(
    { file: rootAbsolute, shownAs: sourceName, yaml },
    { rootDir: request.refRoot, allowRefOutside: request.allowRefOutside, limits },
  );
}

/** The parser's resolvers: no network; files only inside the root folder (unless allowed) and under the limits. */
function resolvers(request: ParseRequest, rootAbsolute: string, blocked: Blocked) {
  const rootDir = request.refRoot;
  const blockRemote = (uri: { toString(): string }): string => {
    blocked.remote.push(uri.toString());
    return '{}';
  };
  // A failed read falls through to the parser's own file reader, which has no limits: refuse with a stand-in
  // instead, and report the refusal after the parse. A missing file does fall through, so the parser says where.
  const readFile = (uri: { href(): string }): string => {
    const file = path.resolve(uri.href());
    const shownAs = displayPath(file, rootAbsolute, request.sourceName);
    if (!request.allowRefOutside && !isInsideFolder(rootDir, file)) {
      const message = `a $ref leads outside ${rootDir} (the folder $refs may use) to ${shownAs}; pass --allow-ref-outside to allow it`;
      blocked.errors.push(
        SpecError.of('SPEC_REF_OUTSIDE', [{ file: request.sourceName, line: 1, col: 1, code: 'ref-outside', message }]),
      );
      return '{}';
    }
    try {
      return readDocumentText(file, shownAs, request.limits);
    } catch (err) {
      if (!(err instanceof SpecError) || err.code === 'SPEC_UNREADABLE') throw err;
      blocked.errors.push(err);
      return '{}';
    }
  };
  return [
    { schema: 'http', order: 1, read: blockRemote },
    { schema: 'https', order: 1, read: blockRemote },
    { schema: 'file', order: 1, read: readFile },
  ];
}

function diagnosticsOf(output: ParseOutput, request: ParseRequest, rootAbsolute: string, blocked: string[]) {
  const { text, sourceName } = request;
  const diagnostics: SpecDiagnostic[] = [];
  for (const url of [...new Set(blocked)]) {
    diagnostics.push({
      file: sourceName,
      ...locate(text, url),
      code: 'remote-ref',
      message: `'${url}' is a remote $ref; only local files are resolved (no network access)`,
    });
  }
  for (const d of output.diagnostics) {
    if (d.severity !== 0) continue; // 0 = error; warnings and hints do not make a document invalid
    // Already said precisely above, or about the empty stand-in we gave the parser instead of the remote file.
    if (blocked.length > 0 && (d.code === 'invalid-ref' || /^https?:/.test(String(d.source ?? '')))) continue;
    diagnostics.push({
      file: displayPath(d.source ?? undefined, rootAbsolute, sourceName),
      line: (d.range?.start.line ?? 0) + 1,
      col: (d.range?.start.character ?? 0) + 1,
      code: String(d.code),
      message: d.message,
    });
  }
  return diagnostics;
}

/**
 * Parses a document given as text: the guards (YAML aliases, nesting, every `$ref`), then the AsyncAPI parser (no
 * network; files only inside the root folder), then the `Spec`.
 *
 * @throws SpecError with one diagnostic per problem.
 * @example
 * const spec = await parseDocument({ text, sourceName: 'asyncapi.yaml', allowRefOutside: false, limits });
 */
export async function parseDocument(request: ParseRequest): Promise<Spec> {
  const rootAbsolute = path.resolve(request.sourceName);
  guard(request, rootAbsolute);
  const blocked: Blocked = { remote: [], errors: [] };
  let output: ParseOutput;
  try {
    output = await parser().parse(request.text, {
      source: rootAbsolute,
      __unstable: { resolver: { resolvers: resolvers(request, rootAbsolute, blocked) } },
    });
  } catch (err) {
    // The parser reports its own failures as diagnostics; this is the belt to its braces.
    if (err instanceof SpecError) throw err;
    const message = `the parser failed: ${(err as Error).message}`;
    throw SpecError.of(
      'SPEC_INVALID',
      [{ file: request.sourceName, line: 1, col: 1, code: 'parser-failure', message }],
      {
        cause: err,
      },
    );
  }
  if (blocked.errors.length > 0) throw blocked.errors[0];
  const diagnostics = diagnosticsOf(output, request, rootAbsolute, blocked.remote);
  if (diagnostics.length > 0 || output.document === undefined) {
    if (diagnostics.length === 0) {
      diagnostics.push({
        file: request.sourceName,
        line: 1,
        col: 1,
        code: 'not-parsed',
        message: 'the parser returned no document',
      });
    }
    throw SpecError.of('SPEC_INVALID', diagnostics);
  }
  const locateJsonPath = (jsonPath: string[]): { line: number; col: number } => {
    const range = output.extras?.document.getRangeForJsonPath(jsonPath);
    return range === undefined ? { line: 1, col: 1 } : { line: range.start.line + 1, col: range.start.character + 1 };
  };
  return toSpec(output.document, request.sourceName, locateJsonPath);
}
