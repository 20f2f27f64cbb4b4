import standaloneCode from 'ajv/dist/standalone';
import type { Spec, SpecMessage } from '../asyncapi';
import { acceptUnknownFormats, createAjv } from './ajv';
import { CodegenError } from './errors';
import { declaresTolerantReader } from './contract';
import { provenance } from './message-schema';
import { commentText, stringLiteral } from './source-text';
import { useFastHelpers } from './runtime-module';
import type { JsonObject } from './schema-walk';

/** Which union a message belongs to: what the server sends (`send`) or what clients send (`receive`). */
export function isServerMessage(message: SpecMessage): boolean {
  return message.direction === 'send' || message.direction === 'both';
}
export function isClientMessage(message: SpecMessage): boolean {
  return message.direction === 'receive' || message.direction === 'both';
}

/** ajv standalone code (CommonJS) validating one message, compiled now so nothing compiles at run time. */
export function validatorModule(
  spec: Spec,
  message: SpecMessage,
  schema: JsonObject,
  warn: (w: string) => void,
): string {
  const warnAbout = (w: string): void => warn(`message '${message.name}': ${w}`);
  const ajv = createAjv({ standalone: true, warn: warnAbout });
  let code: string;
  try {
    acceptUnknownFormats(ajv, schema, warnAbout);
    code = useFastHelpers(standaloneCode(ajv, ajv.compile(schema)));
  } catch (err) {
    throw new CodegenError(
      'CODEGEN_SCHEMA_INVALID',
      `${spec.file}: the payload schema of message '${message.name}' cannot be compiled: ${(err as Error).message}`,
    );
  }
  return `// ${commentText(provenance(spec))}\n// ajv standalone validator of message '${commentText(message.name)}'.\n${code}\n`;
}

const RUNTIME = String.raw`
function escapePointerToken(token) {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

// ajv reports a missing or an extra property at the object that lacks or holds it; the pointer of the property
// itself is what a client needs to fix its message.
function toSchemaErrors(ajvErrors) {
  if (!ajvErrors) return [{ pointer: '', keyword: 'unknown', message: 'invalid' }];
  return ajvErrors.map((e) => {
    let pointer = e.instancePath;
    if (e.keyword === 'required' || e.keyword === 'dependencies' || e.keyword === 'dependentRequired') {
      pointer += '/' + escapePointerToken(e.params.missingProperty);
    } else if (e.keyword === 'additionalProperties') {
      pointer += '/' + escapePointerToken(e.params.additionalProperty);
    } else if (e.keyword === 'unevaluatedProperties' && e.params.unevaluatedProperty !== undefined) {
      pointer += '/' + escapePointerToken(e.params.unevaluatedProperty);
    }
    return { pointer, keyword: e.keyword, message: e.message || e.keyword };
  });
}

function run(validate, msg) {
  return validate(msg) ? { ok: true, value: msg } : { ok: false, errors: toSchemaErrors(validate.errors) };
}

function fail(pointer, keyword, message) {
  return { ok: false, errors: [{ pointer, keyword, message }] };
}

// byType: type -> validators of the messages with that 'type' const; untyped: validators of messages without one.
function dispatch(side, byType, untyped, msg) {
  const isObject = msg !== null && typeof msg === 'object' && !Array.isArray(msg);
  const type = isObject ? msg.type : undefined;
  const candidates = typeof type === 'string' ? byType.get(type) : undefined;
  if (candidates !== undefined) {
    if (candidates.length === 1) return run(candidates[0], msg);
    return firstMatch(candidates, msg);
  }
  if (untyped.length > 0) return firstMatch(untyped, msg);
  if (!isObject) return fail('', 'type', 'must be object');
  if (type === undefined) return fail('/type', 'discriminator', 'must have property \'type\' naming a ' + side + ' message');
  if (typeof type !== 'string') return fail('/type', 'discriminator', 'must be a string naming a ' + side + ' message');
  // A well-formed message of a type this contract does not know: refused, and marked so that a tolerant reader can
  // tell it from a broken message of a known type.
  const unknown = fail('/type', 'discriminator', '\'' + type + '\' is not a ' + side + ' message type');
  unknown.unknown = true;
  return unknown;
}

// Several candidates: the first that accepts wins; when none does, the errors of the first one are reported.
function firstMatch(candidates, msg) {
  for (const validate of candidates) if (validate(msg)) return { ok: true, value: msg };
  candidates[0](msg);
  return { ok: false, errors: toSchemaErrors(candidates[0].errors) };
}

function validateServerMessage(msg) {
  return dispatch('server', serverByType, serverUntyped, msg);
}

function validateClientMessage(msg) {
  return dispatch('client', clientByType, clientUntyped, msg);
}

// What a client reading the channel does with a server message: when the channel promises a tolerant reader, a
// message whose type the contract does not know is handed over as unknown instead of refused.
function readServerMessage(msg) {
  const result = validateServerMessage(msg);
  return TOLERANT_READER && result.unknown === true ? { ok: true, unknown: true, value: msg } : result;
}

function validateMessage(name, msg) {
  const validate = typeof name === 'string' && Object.prototype.hasOwnProperty.call(validators, name) ? validators[name] : undefined;
  if (validate === undefined) return fail('', 'message', '\'' + String(name) + '\' is not a message of this contract');
  return run(validate, msg);
}

module.exports = {
  validateServerMessage,
  validateClientMessage,
  readServerMessage,
  validateMessage,
  messageNames,
  validators,
  TOLERANT_READER,
};
`;

function byTypeTable(messages: SpecMessage[], varOf: (m: SpecMessage) => string): string {
  const groups = new Map<string, string[]>();
  for (const message of messages) {
    if (message.type === undefined) continue;
    const group = groups.get(message.type) ?? [];
    group.push(varOf(message));
    groups.set(message.type, group);
  }
  const rows = [...groups].map(([type, vars]) => `  [${stringLiteral(type, '"')}, [${vars.join(', ')}]],`);
  return rows.length === 0 ? 'new Map()' : `new Map([\n${rows.join('\n')}\n])`;
}

function nameList(messages: SpecMessage[]): string {
  return `[${messages.map((m) => stringLiteral(m.name, '"')).join(',')}]`;
}

/** `validators/index.js`: the dispatching entry point over the per-message standalone validators. */
export function validatorIndexJs(spec: Spec, fileOf: (m: SpecMessage) => string): string {
  const varOf = (m: SpecMessage): string => `v${spec.messages.indexOf(m)}`;
  const server = spec.messages.filter(isServerMessage);
  const client = spec.messages.filter(isClientMessage);
  const lines = [
    `// ${commentText(provenance(spec))}`,
    "// Dispatches on 'type' to validators ajv compiled at generation time; nothing is compiled at run time.",
    "'use strict';",
    '',
    ...spec.messages.map((m) => `const ${varOf(m)} = require(${stringLiteral(`./${fileOf(m)}`, '"')});`),
    '',
    'const validators = Object.freeze(',
    `  Object.assign(Object.create(null), {`,
    ...spec.messages.map((m) => `    ${stringLiteral(m.name, '"')}: ${varOf(m)},`),
    '  }),',
    ');',
    '',
    'const messageNames = Object.freeze({',
    `  server: Object.freeze(${nameList(server)}),`,
    `  client: Object.freeze(${nameList(client)}),`,
    '});',
    '',
    `const serverByType = ${byTypeTable(server, varOf)};`,
    `const serverUntyped = [${server
      .filter((m) => m.type === undefined)
      .map(varOf)
      .join(', ')}];`,
    `const clientByType = ${byTypeTable(client, varOf)};`,
    `const clientUntyped = [${client
      .filter((m) => m.type === undefined)
      .map(varOf)
      .join(', ')}];`,
    '',
    '// x-netra-tolerant-reader of the channel: clients ignore server message types they do not know.',
    `const TOLERANT_READER = ${declaresTolerantReader(spec)};`,
  ];
  return `${lines.join('\n')}\n${RUNTIME}`;
}

/** `validators/index.d.ts`: the typed surface of `index.js`. */
export function validatorIndexDts(spec: Spec): string {
  return `// ${commentText(provenance(spec))}
import type { ClientMessage, MessageNameMap, ServerMessage } from '../types';

/** One schema violation; \`pointer\` is the JSON pointer of the offending value (of the missing/extra property). */
export interface SchemaError {
  pointer: string;
  keyword: string;
  message: string;
}

/** A failure of a well-formed message whose \`type\` the contract does not know has \`unknown: true\`. */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: SchemaError[]; unknown?: true };

/** A server message of a type this contract does not know (handed over by a tolerant reader). */
export interface UnknownServerMessage {
  type: string;
  [field: string]: unknown;
}

/** What a reader of the channel gets: a valid server message, an unknown one (tolerant reader only), or errors. */
export type ServerRead =
  | { ok: true; value: ServerMessage; unknown?: undefined }
  | { ok: true; unknown: true; value: UnknownServerMessage }
  | { ok: false; errors: SchemaError[]; unknown?: true };

/** A compiled ajv validator (\`errors\` holds ajv's errors after a failed call). */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] | null;
}

/** Validates a message the server sends, dispatching on its \`type\`. */
export declare function validateServerMessage(msg: unknown): Validated<ServerMessage>;
/** Validates a message a client sends, dispatching on its \`type\`. */
export declare function validateClientMessage(msg: unknown): Validated<ClientMessage>;
/**
 * Reads a server message as a client does: like \`validateServerMessage\`, except that when the channel promises a
 * tolerant reader (\`TOLERANT_READER\`) a message whose \`type\` is unknown comes back as \`{ ok: true, unknown: true }\`.
 */
export declare function readServerMessage(msg: unknown): ServerRead;
/** The channel declares \`x-netra-tolerant-reader: true\`: clients ignore server message types they do not know. */
export declare const TOLERANT_READER: boolean;
/** Validates \`msg\` against the named message's schema. */
export declare function validateMessage<N extends keyof MessageNameMap>(name: N, msg: unknown): Validated<MessageNameMap[N]>;
export declare function validateMessage(name: string, msg: unknown): Validated<unknown>;
export declare const messageNames: { server: readonly string[]; client: readonly string[] };
/** The per-message validators by message name. */
export declare const validators: Readonly<Record<string, CompiledValidator>>;
`;
}
