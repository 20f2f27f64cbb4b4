import type { AsyncAPIDocumentInterface, MessageInterface } from '@asyncapi/parser';
import { parsePointer } from '../util/json-pointer';
import { isRecord } from '../util/records';
import { SpecError, type SpecDiagnostic } from './errors';
import { toFiniteJson, toFiniteSchema } from './finite-json';
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

// The parser's document model reduced to the project's `Spec`: finite JSON, names unique and filename-safe.

/** Line and column (1-based) of a JSON path of the root document. */
export type LocateJsonPath = (jsonPath: string[]) => { line: number; col: number };

/** Media types whose schemas are JSON Schema (AsyncAPI's own schema format is a superset of draft-07). */
const JSON_SCHEMA_FORMATS = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema\+json|schema\+yaml)(;|$)/;

/**
 * The payload's JSON Schema: a 3.x Multi Format Schema Object (`{ schemaFormat, schema }`) is unwrapped; a schema
 * in a format that is not JSON Schema (Avro, RAML, ...) has no JSON Schema to give and is reported.
 */
function payloadSchema(payload: unknown): { schema: unknown } | { unsupportedFormat: string } {
  if (isRecord(payload) && typeof payload.schemaFormat === 'string' && 'schema' in payload) {
    if (!JSON_SCHEMA_FORMATS.test(payload.schemaFormat)) return { unsupportedFormat: payload.schemaFormat };
    return { schema: payload.schema };
  }
  return { schema: payload };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function discriminatorOf(payload: JsonSchema): string | undefined {
  if (!isRecord(payload) || !isRecord(payload.properties)) return undefined;
  const type = payload.properties.type;
  if (!isRecord(type)) return undefined;
  if (typeof type.const === 'string') return type.const;
  if (Array.isArray(type.enum) && type.enum.length === 1 && typeof type.enum[0] === 'string') return type.enum[0];
  return undefined;
}

function extensionsOf(json: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isRecord(json)) return out;
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith('x-') && !key.startsWith('x-parser-')) out[key] = toFiniteJson(value);
  }
  return out;
}

/** Messages with their unique names: those of channels and operations first, then unreferenced components. */
class MessageNames {
  readonly sources: { message: MessageInterface; name: string }[] = [];
  private readonly byJson = new Map<unknown, string>();
  private readonly byId = new Map<string, string>();

  constructor(doc: AsyncAPIDocumentInterface) {
    const names = new UniqueNames();
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
      this.byJson.set(message.json(), name);
      if (id) this.byId.set(id, name);
      this.sources.push({ message, name });
    });
  }

  of(message: MessageInterface): string | undefined {
    return this.byJson.get(message.json()) ?? this.byId.get(message.id());
  }

  list(messages: MessageInterface[]): string[] {
    return messages.map((m) => this.of(m)).filter((n): n is string => n !== undefined);
  }
}

function channelsOf(doc: AsyncAPIDocumentInterface, names: MessageNames): SpecChannel[] {
  return doc
    .channels()
    .all()
    .map((channel) => {
      const json = channel.json() as Record<string, unknown>;
      const out: SpecChannel = {
        id: channel.id(),
        address: channel.address() ?? '',
        messages: names.list(channel.messages().all()),
        extensions: extensionsOf(json),
      };
      const description = optionalString(channel.description());
      if (description !== undefined) out.description = description;
      if (isRecord(json.bindings)) out.bindings = toFiniteJson(json.bindings) as Record<string, unknown>;
      return out;
    });
}

/** The operations, and which way each message travels (a reply travels the other way). */
function operationsOf(
  doc: AsyncAPIDocumentInterface,
  names: MessageNames,
): { operations: SpecOperation[]; directions: Map<string, Set<'send' | 'receive'>> } {
  const directions = new Map<string, Set<'send' | 'receive'>>();
  const travels = (name: string, way: 'send' | 'receive'): void => {
    const set = directions.get(name) ?? new Set();
    set.add(way);
    directions.set(name, set);
  };
  const operations = doc
    .operations()
    .all()
    .map((operation, index): SpecOperation => {
      const action: 'send' | 'receive' = operation.isSend() ? 'send' : 'receive';
      const channel = operation.channels().all()[0];
      let messages = operation.messages().all();
      if (messages.length === 0 && channel !== undefined) messages = channel.messages().all();
      const messageNames = [...new Set(names.list(messages))];
      for (const name of messageNames) travels(name, action);
      for (const name of names.list(operation.reply()?.messages().all() ?? [])) {
        travels(name, action === 'send' ? 'receive' : 'send');
      }
      return {
        id: operation.id() ?? `operation_${index + 1}`,
        action,
        channel: channel?.id() ?? '',
        messages: messageNames,
      };
    });
  return { operations, directions };
}

function examplesOf(message: MessageInterface): SpecMessage['examples'] {
  const out: SpecMessage['examples'] = [];
  for (const example of message.examples().all()) {
    const examplePayload = example.payload();
    if (examplePayload === undefined) continue; // a headers-only example says nothing about the payload
    const entry: SpecMessage['examples'][number] = { payload: toFiniteJson(examplePayload) };
    const exampleName = optionalString(example.name());
    const exampleSummary = optionalString(example.summary());
    if (exampleName !== undefined) entry.name = exampleName;
    if (exampleSummary !== undefined) entry.summary = exampleSummary;
    out.push(entry);
  }
  return out;
}

function messageOf(
  message: MessageInterface,
  name: string,
  actions: Set<'send' | 'receive'> | undefined,
  report: (problem: { jsonPath: string[]; code: string; message: string }) => void,
): SpecMessage {
  const unwrapped = payloadSchema(message.payload()?.json() ?? {});
  if ('unsupportedFormat' in unwrapped) {
    const pointer = (message.meta() as { pointer?: string }).pointer ?? '';
    report({
      jsonPath: [...(parsePointer(pointer) ?? []), 'payload'],
      code: 'unsupported-schema-format',
      message: `message '${name}': payload schema format '${unwrapped.unsupportedFormat}' is not JSON Schema; only JSON Schema / AsyncAPI schemas can be generated from`,
    });
  }
  const payload = toFiniteSchema('schema' in unwrapped ? unwrapped.schema : {}) as JsonSchema;
  const direction: MessageDirection =
    actions === undefined || actions.size === 0 ? 'none' : actions.size === 2 ? 'both' : [...actions][0];
  const type = discriminatorOf(payload);
  const title = optionalString(message.title());
  const summary = optionalString(message.summary());
  const description = optionalString(message.description());
  // Keep the interface's key order stable whatever optional fields are present.
  return {
    name,
    ...(type !== undefined ? { type } : {}),
    direction,
    ...(title !== undefined ? { title } : {}),
    ...(summary !== undefined ? { summary } : {}),
    ...(description !== undefined ? { description } : {}),
    payload,
    examples: examplesOf(message),
    extensions: extensionsOf(message.json()),
  };
}

function securitySchemesOf(doc: AsyncAPIDocumentInterface): SpecSecurityScheme[] {
  return doc
    .components()
    .securitySchemes()
    .all()
    .map((scheme) => {
      const json = scheme.json() as Record<string, unknown>;
      const out: SpecSecurityScheme = { id: scheme.id(), type: String(json.type ?? '') };
      for (const key of ['scheme', 'name', 'in', 'bearerFormat', 'description'] as const) {
        const value = optionalString(json[key]);
        if (value !== undefined) out[key] = value;
      }
      return out;
    });
}

function serversOf(doc: AsyncAPIDocumentInterface): SpecServer[] {
  const schemeIdByJson = new Map<unknown, string>(
    doc
      .components()
      .securitySchemes()
      .all()
      .map((s) => [s.json(), s.id()]),
  );
  return doc
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
      const pathname = optionalString(server.pathname());
      return {
        id: server.id(),
        host: server.host(),
        protocol: server.protocol(),
        ...(pathname !== undefined ? { pathname } : {}),
        security,
      };
    });
}

/**
 * The `Spec` of a parsed document. `file` names it in diagnostics; `locate` places a problem found here.
 *
 * @throws SpecError `SPEC_INVALID` for a payload schema that is not JSON Schema.
 * @example
 * const spec = toSpec(output.document, 'asyncapi.yaml', locate);
 */
export function toSpec(doc: AsyncAPIDocumentInterface, file: string, locate: LocateJsonPath): Spec {
  const rawDoc = doc.json() as unknown as Record<string, unknown>;
  const names = new MessageNames(doc);
  const channels = channelsOf(doc, names);
  const { operations, directions } = operationsOf(doc, names);
  const problems: SpecDiagnostic[] = [];
  const messages = names.sources.map(({ message, name }) =>
    messageOf(message, name, directions.get(name), (p) =>
      problems.push({ file, ...locate(p.jsonPath), code: p.code, message: p.message }),
    ),
  );
  const securitySchemes = securitySchemesOf(doc);
  const servers = serversOf(doc);
  if (problems.length > 0) throw SpecError.of('SPEC_INVALID', problems);
  const info = doc.info();
  const id = optionalString(rawDoc.id);
  const description = optionalString(info.description());
  return {
    file,
    asyncapiVersion: doc.version(),
    title: info.title(),
    version: info.version(),
    ...(id !== undefined ? { id } : {}),
    ...(description !== undefined ? { description } : {}),
    messages,
    channels,
    operations,
    servers,
    securitySchemes,
    raw: toFiniteJson(rawDoc),
  };
}
