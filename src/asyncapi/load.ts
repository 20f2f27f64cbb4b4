import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Parser } from '@asyncapi/parser';
import type { AsyncAPIDocumentInterface, MessageInterface } from '@asyncapi/parser';
import { SpecError, type SpecDiagnostic } from './errors';
import { isPlainObject, toFiniteJson, toFiniteSchema } from './finite-json';
import type {
  JsonSchema,
  MessageDirection,
  Spec,
  SpecChannel,
  SpecMessage,
  SpecOperation,
  SpecSecurityScheme,
  SpecServer,
} from './model';
import { toSafeName, UniqueNames } from './names';

// One parser for the process: building Spectral's rulesets is the expensive part, parsing itself is reentrant.
let sharedParser: Parser | undefined;
function parser(): Parser {
  sharedParser ??= new Parser();
  return sharedParser;
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

/**
 * Reads and parses an AsyncAPI document (2.6 or 3.x) from a file; relative `$ref`s are resolved from its folder.
 * Remote (`http(s)://`) `$ref`s are never fetched: they are reported as problems.
 *
 * @throws SpecError `SPEC_UNREADABLE` when the file cannot be read, `SPEC_INVALID` with every error the parser found.
 * @example
 * const spec = await loadSpec('asyncapi.yaml');
 * console.log(spec.title, spec.messages.map((m) => `${m.name}:${m.direction}`));
 */
export async function loadSpec(file: string): Promise<Spec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'EIO';
    const message = `cannot read the document (${reason}): ${(err as Error).message}`;
    throw new SpecError('SPEC_UNREADABLE', [{ file, line: 1, col: 1, code: 'unreadable', message }], { cause: err });
  }
  return loadSpecFromString(text, file);
}

/**
 * Parses an AsyncAPI document given as text. `sourceName` names it in diagnostics and is the base for relative
 * `$ref`s (resolved from its folder, relative to the working directory).
 *
 * @throws SpecError `SPEC_INVALID` with one diagnostic per error.
 * @example
 * const spec = await loadSpecFromString(yamlText, 'inline.yaml');
 * const startAgent = spec.messages.find((m) => m.type === 'start_agent');
 */
export async function loadSpecFromString(text: string, sourceName: string): Promise<Spec> {
  const rootAbsolute = path.resolve(sourceName);
  const blockedRemoteRefs: string[] = [];
  const blockRemote = (uri: { toString(): string }): string => {
    blockedRemoteRefs.push(uri.toString());
    return '{}';
  };
  let output: Awaited<ReturnType<Parser['parse']>>;
  try {
    output = await parser().parse(text, {
      source: rootAbsolute,
      __unstable: {
        resolver: {
          resolvers: [
            { schema: 'http', order: 1, read: blockRemote },
            { schema: 'https', order: 1, read: blockRemote },
          ],
        },
      },
    });
  } catch (err) {
    // The parser reports its own failures as diagnostics; this is the belt to its braces.
    const message = `the parser failed: ${(err as Error).message}`;
    throw new SpecError('SPEC_INVALID', [{ file: sourceName, line: 1, col: 1, code: 'parser-failure', message }], {
      cause: err,
    });
  }

  const diagnostics: SpecDiagnostic[] = [];
  for (const url of [...new Set(blockedRemoteRefs)]) {
    const at = locate(text, url);
    diagnostics.push({
      file: sourceName,
      ...at,
      code: 'remote-ref',
      message: `'${url}' is a remote $ref; only local files are resolved (no network access)`,
    });
  }
  for (const d of output.diagnostics) {
    if (d.severity !== 0) continue; // 0 = error; warnings and hints do not make a document invalid
    // Already said precisely above, or about the empty stand-in we gave the parser instead of the remote file.
    if (blockedRemoteRefs.length > 0 && (d.code === 'invalid-ref' || /^https?:/.test(String(d.source ?? '')))) continue;
    diagnostics.push({
      file: displayPath(d.source ?? undefined, rootAbsolute, sourceName),
      line: (d.range?.start.line ?? 0) + 1,
      col: (d.range?.start.character ?? 0) + 1,
      code: String(d.code),
      message: d.message,
    });
  }
  if (diagnostics.length > 0 || output.document === undefined) {
    if (diagnostics.length === 0) {
      diagnostics.push({
        file: sourceName,
        line: 1,
        col: 1,
        code: 'not-parsed',
        message: 'the parser returned no document',
      });
    }
    throw new SpecError('SPEC_INVALID', diagnostics);
  }
  const locateJsonPath = (jsonPath: string[]): { line: number; col: number } => {
    const range = output.extras?.document.getRangeForJsonPath(jsonPath);
    return range === undefined ? { line: 1, col: 1 } : { line: range.start.line + 1, col: range.start.character + 1 };
  };
  return toSpec(output.document, sourceName, locateJsonPath);
}

/** Media types whose schemas are JSON Schema (AsyncAPI's own schema format is a superset of draft-07). */
const JSON_SCHEMA_FORMATS = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema\+json|schema\+yaml)(;|$)/;

/**
 * The payload's JSON Schema: a 3.x Multi Format Schema Object (`{ schemaFormat, schema }`) is unwrapped; a schema
 * in a format that is not JSON Schema (Avro, RAML, ...) has no JSON Schema to give and is reported.
 */
function payloadSchema(payload: unknown): { schema: unknown } | { unsupportedFormat: string } {
  if (isPlainObject(payload) && typeof payload.schemaFormat === 'string' && 'schema' in payload) {
    if (!JSON_SCHEMA_FORMATS.test(payload.schemaFormat)) return { unsupportedFormat: payload.schemaFormat };
    return { schema: payload.schema };
  }
  return { schema: payload };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function discriminatorOf(payload: JsonSchema): string | undefined {
  if (!isPlainObject(payload) || !isPlainObject(payload.properties)) return undefined;
  const type = payload.properties.type;
  if (!isPlainObject(type)) return undefined;
  if (typeof type.const === 'string') return type.const;
  if (Array.isArray(type.enum) && type.enum.length === 1 && typeof type.enum[0] === 'string') return type.enum[0];
  return undefined;
}

function extensionsOf(json: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isPlainObject(json)) return out;
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('x-') && !key.startsWith('x-parser-')) out[key] = toFiniteJson(value);
  }
  return out;
}

function toSpec(
  doc: AsyncAPIDocumentInterface,
  file: string,
  locateJsonPath: (jsonPath: string[]) => { line: number; col: number },
): Spec {
  const rawDoc = doc.json() as unknown as Record<string, unknown>;

  // Messages: document order, names from the component key / message id, unique and filename-safe.
  const names = new UniqueNames();
  const nameByJson = new Map<unknown, string>();
  const nameById = new Map<string, string>();
  const sources: { message: MessageInterface; name: string }[] = [];
  // Messages of channels and operations first, then components nobody references yet (direction 'none').
  const all = doc.messages().all();
  const seen = new Set(all.map((m) => m.json()));
  for (const message of doc.components().messages().all()) {
    if (!seen.has(message.json())) {
      seen.add(message.json());
      all.push(message);
    }
  }
  all.forEach((message, index) => {
    const id = message.id();
    const preferred = id && !id.startsWith('<anonymous') ? id : (message.name() ?? message.title() ?? '');
    const name = names.take(toSafeName(preferred, `message_${index + 1}`));
    nameByJson.set(message.json(), name);
    if (id) nameById.set(id, name);
    sources.push({ message, name });
  });
  const nameOf = (message: MessageInterface): string | undefined =>
    nameByJson.get(message.json()) ?? nameById.get(message.id());

  const channels: SpecChannel[] = doc
    .channels()
    .all()
    .map((channel) => {
      const json = channel.json() as Record<string, unknown>;
      const out: SpecChannel = {
        id: channel.id(),
        address: channel.address() ?? '',
        messages: channel
          .messages()
          .all()
          .map(nameOf)
          .filter((n): n is string => n !== undefined),
        extensions: extensionsOf(json),
      };
      const description = optionalString(channel.description());
      if (description !== undefined) out.description = description;
      if (isPlainObject(json.bindings)) out.bindings = toFiniteJson(json.bindings) as Record<string, unknown>;
      return out;
    });

  const directions = new Map<string, Set<'send' | 'receive'>>();
  const operations: SpecOperation[] = doc
    .operations()
    .all()
    .map((operation, index) => {
      const action: 'send' | 'receive' = operation.isSend() ? 'send' : 'receive';
      const channel = operation.channels().all()[0];
      let messages = operation.messages().all();
      if (messages.length === 0 && channel !== undefined) messages = channel.messages().all();
      const messageNames = [...new Set(messages.map(nameOf).filter((n): n is string => n !== undefined))];
      const travels = (name: string, way: 'send' | 'receive'): void => {
        const set = directions.get(name) ?? new Set();
        set.add(way);
        directions.set(name, set);
      };
      for (const name of messageNames) travels(name, action);
      // A reply travels the other way: what a `receive` operation answers, the application sends.
      for (const reply of operation.reply()?.messages().all() ?? []) {
        const name = nameOf(reply);
        if (name !== undefined) travels(name, action === 'send' ? 'receive' : 'send');
      }
      return {
        id: operation.id() ?? `operation_${index + 1}`,
        action,
        channel: channel?.id() ?? '',
        messages: messageNames,
      };
    });

  const problems: SpecDiagnostic[] = [];
  const messages: SpecMessage[] = sources.map(({ message, name }) => {
    const unwrapped = payloadSchema(message.payload()?.json() ?? {});
    if ('unsupportedFormat' in unwrapped) {
      const pointer = (message.meta() as { pointer?: string }).pointer ?? '';
      const jsonPath = pointer
        .split('/')
        .slice(1)
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
      problems.push({
        file,
        ...locateJsonPath([...jsonPath, 'payload']),
        code: 'unsupported-schema-format',
        message: `message '${name}': payload schema format '${unwrapped.unsupportedFormat}' is not JSON Schema; only JSON Schema / AsyncAPI schemas can be generated from`,
      });
    }
    const payload = toFiniteSchema('schema' in unwrapped ? unwrapped.schema : {}) as JsonSchema;
    const actions = directions.get(name);
    const direction: MessageDirection =
      actions === undefined || actions.size === 0 ? 'none' : actions.size === 2 ? 'both' : [...actions][0];
    const out: SpecMessage = { name, direction, payload, examples: [], extensions: extensionsOf(message.json()) };
    const type = discriminatorOf(payload);
    if (type !== undefined) out.type = type;
    const title = optionalString(message.title());
    const summary = optionalString(message.summary());
    const description = optionalString(message.description());
    if (title !== undefined) out.title = title;
    if (summary !== undefined) out.summary = summary;
    if (description !== undefined) out.description = description;
    for (const example of message.examples().all()) {
      const examplePayload = example.payload();
      if (examplePayload === undefined) continue; // a headers-only example says nothing about the payload
      const entry: SpecMessage['examples'][number] = { payload: toFiniteJson(examplePayload) };
      const exampleName = optionalString(example.name());
      const exampleSummary = optionalString(example.summary());
      if (exampleName !== undefined) entry.name = exampleName;
      if (exampleSummary !== undefined) entry.summary = exampleSummary;
      out.examples.push(entry);
    }
    // Keep the interface's key order stable whatever optional fields are present.
    return {
      name: out.name,
      ...(out.type !== undefined ? { type: out.type } : {}),
      direction: out.direction,
      ...(out.title !== undefined ? { title: out.title } : {}),
      ...(out.summary !== undefined ? { summary: out.summary } : {}),
      ...(out.description !== undefined ? { description: out.description } : {}),
      payload: out.payload,
      examples: out.examples,
      extensions: out.extensions,
    };
  });

  const schemes = doc.components().securitySchemes().all();
  const securitySchemes: SpecSecurityScheme[] = schemes.map((scheme) => {
    const json = scheme.json() as Record<string, unknown>;
    const out: SpecSecurityScheme = { id: scheme.id(), type: String(json.type ?? '') };
    for (const key of ['scheme', 'name', 'in', 'bearerFormat', 'description'] as const) {
      const value = optionalString(json[key]);
      if (value !== undefined) out[key] = value;
    }
    return out;
  });
  const schemeIdByJson = new Map<unknown, string>(schemes.map((s) => [s.json(), s.id()]));

  const servers: SpecServer[] = doc
    .servers()
    .all()
    .map((server) => {
      const security: string[] = [];
      for (const requirements of server.security()) {
        for (const requirement of requirements.all()) {
          const scheme = requirement.scheme();
          const id = scheme.id() || schemeIdByJson.get(scheme.json());
          if (id && !security.includes(id)) security.push(id);
        }
      }
      const out: SpecServer = { id: server.id(), host: server.host(), protocol: server.protocol(), security };
      const pathname = optionalString(server.pathname());
      if (pathname !== undefined) {
        return { id: out.id, host: out.host, protocol: out.protocol, pathname, security };
      }
      return out;
    });

  if (problems.length > 0) throw new SpecError('SPEC_INVALID', problems);

  const info = doc.info();
  const spec: Spec = {
    file,
    asyncapiVersion: doc.version(),
    title: info.title(),
    version: info.version(),
    ...(optionalString(rawDoc.id) !== undefined ? { id: rawDoc.id as string } : {}),
    ...(optionalString(info.description()) !== undefined ? { description: info.description() as string } : {}),
    messages,
    channels,
    operations,
    servers,
    securitySchemes,
    raw: toFiniteJson(rawDoc),
  };
  return spec;
}
