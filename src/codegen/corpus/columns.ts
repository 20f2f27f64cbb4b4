import * as path from 'node:path';
import type { CorpusCell, CorpusColumn } from './model';
import { validateInSandbox, type SandboxCase, type SandboxOutcome } from './sandbox';

type TypeScript = typeof import('typescript');

/**
 * `tsc`: type-checks every document's `types.ts` and `validators/index.d.ts` in ONE TypeScript program (strict,
 * no emit), which is much faster than a compiler per document.
 */
export const tscColumn: CorpusColumn = {
  name: 'tsc',
  async run(documents) {
    const cells = new Map<string, CorpusCell>();
    const generated = documents.filter((d) => d.outDir !== undefined);
    if (generated.length === 0) return cells;
    // Loaded lazily: TypeScript is a dev dependency and only this development command needs it.

    const ts = require('typescript') as TypeScript;
    const roots = generated.flatMap((d) => [
      path.join(d.outDir as string, 'types.ts'),
      path.join(d.outDir as string, 'validators', 'index.d.ts'),
    ]);
    const program = ts.createProgram(roots, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      lib: ['lib.es2022.d.ts'],
      types: [],
      skipLibCheck: true,
    });
    const problems = new Map<string, string[]>();
    const global: string[] = [];
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      const fileName = diagnostic.file?.fileName;
      const owner =
        fileName === undefined
          ? undefined
          : generated.find((d) => path.resolve(fileName).startsWith(`${d.outDir}${path.sep}`));
      if (owner === undefined || diagnostic.file === undefined || diagnostic.start === undefined) {
        global.push(`TS${diagnostic.code}  ${message}`);
        continue;
      }
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const where = `${path.relative(owner.outDir as string, fileName as string)}:${line + 1}:${character + 1}`;
      const list = problems.get(owner.path) ?? [];
      list.push(`${where}  TS${diagnostic.code}  ${message}`);
      problems.set(owner.path, list);
    }
    for (const d of generated) {
      const list = [...(problems.get(d.path) ?? []), ...global];
      cells.set(
        d.path,
        list.length === 0
          ? { status: 'ok', text: 'ok' }
          : {
              status: 'fail',
              text: `${list.length} error(s)`,
              reason: list[0] + (list.length > 1 ? ` (+${list.length - 1} more)` : ''),
            },
      );
    }
    return cells;
  },
};

/**
 * Example defects of third-party documents, found by the generated validators and checked by hand against the
 * documents (the parser does not validate 3.x examples). A document whose failures are exactly these gets
 * `expected-fail`; any other failure, or one of these disappearing, is a real FAIL.
 */
export const KNOWN_EXAMPLE_DEFECTS: Readonly<Record<string, readonly string[]>> = {
  // `is_ext_shared_channel` is indented one level too deep: a keyword of `authorizations`, not a property of the
  // closed `payload` object, so the (valid-looking) examples carry an undeclared property.
  'asyncapi-generator/asyncapi-slack-client.yml': [
    "message 'event' example 1: /payload/is_ext_shared_channel must NOT have additional properties",
    "message 'event' example 2: /payload/is_ext_shared_channel must NOT have additional properties",
    "message 'event' example 3: /payload/is_ext_shared_channel must NOT have additional properties",
  ],
  // `pair` is declared `type: array` but both examples give a string ('XBT/EUR').
  'asyncapi-spec/kraken-websocket-request-reply-message-filter-in-reply-asyncapi.yml': [
    "message 'subscriptionStatus' example 1: /pair must be array",
    "message 'subscriptionStatus' example 2: /pair must be array",
  ],
  'asyncapi-spec/kraken-websocket-request-reply-multiple-channels-asyncapi.yml': [
    "message 'subscriptionStatus' example 1: /pair must be array",
    "message 'subscriptionStatus' example 2: /pair must be array",
  ],
};

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
}

/**
 * `examples`: every example payload of every message passes the validator generated for that message. The generated
 * validators run in a sandboxed child process (see `validateInSandbox`), never in this one.
 */
export const examplesColumn: CorpusColumn = {
  name: 'examples',
  async run(documents) {
    const cells = new Map<string, CorpusCell>();
    for (const d of documents) {
      if (d.spec === undefined || d.outDir === undefined) continue;
      const cases: (SandboxCase & { label: string })[] = [];
      for (const message of d.spec.messages) {
        message.examples.forEach((example, index) => {
          cases.push({ message: message.name, payload: example.payload, label: example.name ?? String(index + 1) });
        });
      }
      let outcomes: SandboxOutcome[];
      try {
        outcomes = cases.length === 0 ? [] : await validateInSandbox(path.join(d.outDir, 'validators'), cases);
      } catch (err) {
        cells.set(d.path, { status: 'fail', text: 'load', reason: (err as Error).message.split('\n')[0] });
        continue;
      }
      const failures = outcomes.flatMap((outcome, i) =>
        outcome.ok ? [] : [`message '${cases[i].message}' example ${cases[i].label}: ${outcome.error}`],
      );
      cells.set(d.path, examplesCell(d.path, cases.length, failures));
    }
    return cells;
  },
};

function examplesCell(document: string, total: number, failures: string[]): CorpusCell {
  const known = KNOWN_EXAMPLE_DEFECTS[document];
  const text = `${total - failures.length}/${total}`;
  if (failures.length === 0) {
    return known
      ? { status: 'fail', text, reason: 'a known example defect is gone: update KNOWN_EXAMPLE_DEFECTS' }
      : { status: 'ok', text };
  }
  if (known !== undefined && sameSet(failures, known)) {
    const more = failures.length > 1 ? ` (+${failures.length - 1} more)` : '';
    return { status: 'expected-fail', text: `${text} known`, reason: `document defect: ${failures[0]}${more}` };
  }
  const more = failures.length > 1 ? ` (+${failures.length - 1} more)` : '';
  return { status: 'fail', text, reason: `${failures[0]}${more}`, details: failures };
}
