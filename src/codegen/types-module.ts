import type { Spec, SpecMessage } from '../asyncapi';
import { runProtocolOf } from './contract';
import { CodegenError } from './errors';
import { provenance } from './message-schema';
import { blockCommentText, commentText, identifier, propertyKey } from './source-text';
import { canonicalJson, mapSchema, stripExtensions, type JsonObject } from './schema-walk';
import { isClientMessage, isServerMessage } from './validators';
import { unescapePointerToken } from '../util/json-pointer';
import { isRecord } from '../util/records';

const RESERVED = [
  'AnyMessage',
  'ServerMessage',
  'ClientMessage',
  'MessageTypeMap',
  'MessageNameMap',
  'RunEvent',
  'RunStartEvent',
  'RunTerminalEvent',
];

/**
 * A TypeScript identifier json-schema-to-typescript keeps as it is (a fixed point of its own renaming): PascalCase
 * ASCII letters and digits, a letter first, every letter after a digit upper-cased.
 *
 * @example
 * toTypeName('start_agent'); // 'StartAgent'
 * toTypeName('v1 listen'); // 'V1Listen'
 */
export function toTypeName(raw: string): string {
  const words = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
  let name = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  name = name.replace(/(\d)([a-z])/g, (_m, digit: string, letter: string) => digit + letter.toUpperCase());
  if (name === '') return 'Message';
  return /^[A-Za-z]/.test(name) ? name : `T${name}`;
}

class TypeNames {
  private readonly taken = new Set<string>(RESERVED);

  take(raw: string): string {
    const base = toTypeName(raw);
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return identifier(name);
  }
}

interface TypesPlan {
  defs: JsonObject;
  /** Message name -> the TypeScript type of its payload. */
  typeOf: Map<string, string>;
}

/**
 * Puts every message payload and every titled subschema into one `$defs` table, deduplicated by title and
 * content, so json-schema-to-typescript declares each shared shape once (one `Recommendation`, not one per
 * message that embeds it).
 */
function plan(spec: Spec): TypesPlan {
  const names = new TypeNames();
  const defs: JsonObject = {};
  const byContent = new Map<string, string>();
  const typeOf = new Map<string, string>();
  const ref = (name: string): JsonObject => ({ $ref: `#/$defs/${name}` });
  const register = (title: string, body: JsonObject, reuse: boolean): string => {
    const key = `${title}\u0000${canonicalJson(body)}`;
    const known = reuse ? byContent.get(key) : undefined;
    if (known !== undefined) return known;
    const name = names.take(title);
    defs[name] = { ...body, title: name };
    if (reuse) byContent.set(key, name);
    return name;
  };

  for (const message of spec.messages) {
    const payload = forTypes(stripExtensions(message.payload));
    const root: JsonObject = isRecord(payload) ? payload : payload === false ? { not: {} } : {};
    const rootTitle = typeof root.title === 'string' && root.title.trim() !== '' ? root.title : message.name;
    const localDefs = isRecord(root.$defs) ? root.$defs : {};
    let rootName: string | undefined; // only reserved up front when the payload refers to itself
    const localNames = new Map<string, string>();

    const localRef = (key: string): JsonObject => {
      let name = localNames.get(key);
      if (name === undefined) {
        const body = localDefs[key];
        const title = isRecord(body) && typeof body.title === 'string' ? body.title : key;
        name = names.take(title);
        localNames.set(key, name);
        defs[name] = {}; // reserved: the body may refer to itself
        const transformed = transform(body);
        defs[name] = { ...(isRecord(transformed) ? transformed : {}), title: name };
      }
      return ref(name);
    };
    const transform = (node: unknown): unknown => {
      if (!isRecord(node)) return node;
      if (typeof node.$ref === 'string') {
        if (node.$ref === '#') {
          rootName ??= names.take(rootTitle);
          return ref(rootName);
        }
        const local = /^#\/\$defs\/(.+)$/.exec(node.$ref);
        const key = local ? unescapePointerToken(local[1]) : undefined;
        if (key !== undefined && Object.prototype.hasOwnProperty.call(localDefs, key)) return localRef(key);
        return {}; // a reference the loader left outside the document: any value
      }
      return mapSchema(node, hoist, (key) => key !== '$defs' && key !== 'definitions');
    };
    const hoist = (node: unknown): unknown => {
      const transformed = transform(node);
      if (!isRecord(transformed) || typeof transformed.title !== 'string' || transformed.title.trim() === '') {
        return transformed;
      }
      if (typeof transformed.$ref === 'string') return transformed;
      return ref(register(transformed.title, transformed, true));
    };

    const body = transform(root) as JsonObject;
    let name: string;
    if (rootName !== undefined) {
      defs[rootName] = { ...body, title: rootName };
      name = rootName;
    } else {
      name = register(rootTitle, body, true);
    }
    typeOf.set(message.name, name);
  }
  return { defs, typeOf };
}

function union(names: string[]): string {
  const unique = [...new Set(names)];
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

/** `export type name = A | B;`, one member per line when it would not fit in 120 columns (as prettier would). */
function typeAlias(name: string, members: string[]): string {
  const line = `export type ${name} = ${union(members)};`;
  if (line.length <= 120) return line;
  return `export type ${name} =\n${[...new Set(members)].map((m) => `  | ${m}`).join('\n')};`;
}

function mapInterface(name: string, doc: string, entries: [string, string[]][]): string {
  const rows = entries.map(([key, types]) => `  ${propertyKey(key)}: ${union(types)};`);
  return `/** ${doc} */\nexport interface ${name} {\n${rows.join('\n')}\n}\n`;
}

/** json-schema-to-typescript keywords that write their value into the output as code (`tsType`) or names. */
const CODE_KEYWORDS = new Set(['tsType', 'tsEnumNames']);

/**
 * The schema json-schema-to-typescript may see: keywords it would paste into the output as code dropped, every
 * `description` (which becomes a JSDoc comment) and `patternProperties` key (quoted in one) made comment-safe.
 */
function forTypes(schema: unknown): unknown {
  const clean = (node: unknown): unknown => {
    const out = mapSchema(node, clean, (key) => !CODE_KEYWORDS.has(key));
    if (!isRecord(out)) return out;
    if (typeof out.description === 'string') out.description = blockCommentText(out.description);
    if (isRecord(out.patternProperties)) {
      out.patternProperties = Object.fromEntries(
        Object.entries(out.patternProperties).map(([key, value]) => [blockCommentText(key), value]),
      );
    }
    return out;
  };
  return clean(schema);
}

function group(messages: SpecMessage[], keyOf: (m: SpecMessage) => string, typeOf: Map<string, string>) {
  const out = new Map<string, string[]>();
  for (const m of messages) {
    const list = out.get(keyOf(m)) ?? [];
    list.push(typeOf.get(m.name) as string);
    out.set(keyOf(m), list);
  }
  return [...out];
}

/**
 * `RunEvent`, `RunStartEvent` and `RunTerminalEvent`: the run protocol (`x-netra-run`) as types, so code that emits
 * or handles run events derives its vocabulary from the spec (`never` when the spec has no run protocol).
 */
function runEventAliases(spec: Spec, server: SpecMessage[], typeOf: Map<string, string>): string[] {
  const run = runProtocolOf(spec);
  const typesOf = (types: readonly string[]): string[] =>
    server.filter((m) => m.type !== undefined && types.includes(m.type)).map((m) => typeOf.get(m.name) as string);
  return [
    '/** Server messages that belong to a run (their payload requires `run_id` and `seq`). */',
    typeAlias('RunEvent', typesOf(run?.events ?? [])),
    '',
    '/** The run event that starts every run (`x-netra-run: start`). */',
    typeAlias('RunStartEvent', typesOf(run ? [run.start] : [])),
    '',
    '/** The run events that end a run (`x-netra-run: terminal`). */',
    typeAlias('RunTerminalEvent', typesOf(run?.terminals ?? [])),
    '',
  ];
}

/**
 * `generated/types.ts`: an interface per payload shape (json-schema-to-typescript), the discriminated unions
 * `ServerMessage` / `ClientMessage`, the run protocol's `RunEvent` / `RunStartEvent` / `RunTerminalEvent`,
 * `MessageTypeMap` (`type` -> interface; message name -> interface when some message has no `type` const) and
 * `MessageNameMap` (message name -> interface).
 */
export async function typesModule(spec: Spec): Promise<string> {
  const { defs, typeOf } = plan(spec);
  const server = spec.messages.filter(isServerMessage);
  const client = spec.messages.filter(isClientMessage);
  const allNames = [...new Set(spec.messages.map((m) => typeOf.get(m.name) as string))];
  // The root lists every payload so that each one is declared (json-schema-to-typescript only declares what the
  // root reaches); ServerMessage and ClientMessage are then plain unions over those declarations.
  const root: JsonObject =
    allNames.length === 0
      ? { title: 'AnyMessage', tsType: 'never', $defs: defs }
      : { title: 'AnyMessage', anyOf: allNames.map((n) => ({ $ref: `#/$defs/${n}` })), $defs: defs };
  // Loaded on first use: it pulls in prettier, which importing the codegen module (say, for createAjv) must not.

  const { compile } = require('json-schema-to-typescript') as typeof import('json-schema-to-typescript');
  let code: string;
  try {
    code = await compile(root as never, 'AnyMessage', {
      bannerComment: `/* eslint-disable */\n/**\n * ${commentText(provenance(spec))}\n * Regenerate with \`netra-contracts generate\`.\n */`,
      additionalProperties: true,
      declareExternallyReferenced: true,
      strictIndexSignatures: false,
      ignoreMinAndMaxItems: true, // plain arrays: producers build them with map(); the validators enforce the bounds
      unknownAny: true,
      format: true,
      style: { singleQuote: true, printWidth: 120, trailingComma: 'all', semi: true, tabWidth: 2, useTabs: false },
    });
  } catch (err) {
    throw new CodegenError('CODEGEN_TYPES_FAILED', `${spec.file}: cannot generate types: ${(err as Error).message}`);
  }
  const everyHasType = spec.messages.length > 0 && spec.messages.every((m) => m.type !== undefined);
  const anyDoc = 'Every message of the contract, whichever way it travels.';
  code = code.replace(/^export type AnyMessage = /m, `/** ${anyDoc} */\nexport type AnyMessage = `);
  const parts = [
    code.trimEnd(),
    '',
    `/** Every message the server sends (the described application \`send\`s). */`,
    typeAlias(
      'ServerMessage',
      server.map((m) => typeOf.get(m.name) as string),
    ),
    '',
    `/** Every message a client sends (the described application \`receive\`s). */`,
    typeAlias(
      'ClientMessage',
      client.map((m) => typeOf.get(m.name) as string),
    ),
    '',
    ...runEventAliases(spec, server, typeOf),
    mapInterface(
      'MessageTypeMap',
      everyHasType
        ? 'Payload type of each message `type`.'
        : 'Payload type of each message, by message name (not every message has a `type` const).',
      group(spec.messages, (m) => (everyHasType ? (m.type as string) : m.name), typeOf),
    ),
    mapInterface(
      'MessageNameMap',
      'Payload type of each message, by message name.',
      group(spec.messages, (m) => m.name, typeOf),
    ),
  ];
  const out = parts.join('\n');
  for (const name of new Set(typeOf.values())) {
    if (!new RegExp(`^export (interface|type) ${name}\\b`, 'm').test(out)) {
      throw new CodegenError(
        'CODEGEN_TYPES_FAILED',
        `${spec.file}: json-schema-to-typescript did not declare '${name}'`,
      );
    }
  }
  return out;
}
