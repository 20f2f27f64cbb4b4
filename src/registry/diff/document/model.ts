// What the registry compares between two versions of a contract, extracted from a loaded Spec (or rebuilt from
// schemas/registry.yaml, in which case `raw` is absent and only payloads and the surface are compared).
import type { JsonSchema, MessageDirection, Spec } from '../../../asyncapi';
import { toPointer } from '../../../util/json-pointer';
import { isRecord } from '../../../util/records';

export interface MessageModel {
  name: string;
  type?: string;
  direction: MessageDirection;
  payload: JsonSchema;
  /** Dereferenced headers schema, when the document gives one. */
  headers?: unknown;
  /** Effective content type (the message's, else the document's default). */
  contentType?: string;
  /** Where the message is defined in the document (JSON pointer), for reports and line numbers. */
  docPath: string;
  /** The dereferenced message object, for the fields no specific rule covers. */
  rawMessage?: Record<string, unknown>;
}

export interface ChannelModel {
  id: string;
  address: string;
  messages: string[];
  /** The channel declares `x-netra-tolerant-reader: true`: clients ignore server message types they do not know. */
  tolerantReader?: boolean;
  raw?: Record<string, unknown>;
}

export interface OperationModel {
  id: string;
  action: 'send' | 'receive';
  channel: string;
  messages: string[];
  raw?: Record<string, unknown>;
}

/** One security scheme a server accepts: its id (for people) and what it asks clients to send (for comparing). */
export interface SecurityOption {
  id: string;
  signature: string;
}

export interface ServerModel {
  id: string;
  host: string;
  protocol: string;
  pathname?: string;
  /** Alternatives: a client satisfies any one of them. Empty: no security. */
  security: SecurityOption[];
  raw?: Record<string, unknown>;
}

export interface SecuritySchemeModel {
  id: string;
  type: string;
  scheme?: string;
  name?: string;
  in?: string;
  bearerFormat?: string;
  raw?: Record<string, unknown>;
}

export interface DocumentModel {
  /** File the model came from (for reports and annotations). */
  file: string;
  specVersion: string;
  asyncapiVersion?: string;
  messages: Map<string, MessageModel>;
  channels: Map<string, ChannelModel>;
  operations: Map<string, OperationModel>;
  servers: Map<string, ServerModel>;
  securitySchemes: Map<string, SecuritySchemeModel>;
  /** The whole dereferenced document; absent for a model rebuilt from the registry. */
  raw?: Record<string, unknown>;
}

function at(root: unknown, ...tokens: string[]): unknown {
  let node = root;
  for (const token of tokens) {
    if (!isRecord(node)) return undefined;
    node = node[token];
  }
  return node;
}

/** A message's schema from a (dereferenced) message object: plain, or AsyncAPI 3's `{ schemaFormat, schema }`. */
function schemaOf(value: unknown): unknown {
  if (isRecord(value) && value.schemaFormat !== undefined && value.schema !== undefined) return value.schema;
  return value;
}

/** Finds the message object a Spec message came from: components first, then channels (v3), then operations (v2). */
function locateMessage(
  raw: Record<string, unknown>,
  name: string,
): { path: string; message: Record<string, unknown> } | undefined {
  const fromComponents = at(raw, 'components', 'messages', name);
  if (isRecord(fromComponents)) return { path: toPointer(['components', 'messages', name]), message: fromComponents };
  const channels = raw.channels;
  if (isRecord(channels)) {
    for (const [channelId, channel] of Object.entries(channels)) {
      const candidate = at(channel, 'messages', name);
      if (isRecord(candidate))
        return { path: toPointer(['channels', channelId, 'messages', name]), message: candidate };
      // AsyncAPI 2: messages under publish/subscribe, named by messageId or name.
      for (const op of ['publish', 'subscribe']) {
        const message = at(channel, op, 'message');
        const list = isRecord(message) && Array.isArray(message.oneOf) ? message.oneOf : [message];
        for (const [i, item] of list.entries()) {
          if (isRecord(item) && (item.messageId === name || item.name === name)) {
            const tail = list.length > 1 ? ['message', 'oneOf', String(i)] : ['message'];
            return { path: toPointer(['channels', channelId, op, ...tail]), message: item };
          }
        }
      }
    }
  }
  return undefined;
}

/** What a security scheme asks a client to send: type, scheme, location and name. */
export function schemeSignature(
  scheme: { type?: unknown; scheme?: unknown; in?: unknown; name?: unknown } | undefined,
): string | undefined {
  if (scheme === undefined) return undefined;
  const part = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');
  return [
    part(scheme.type),
    part(scheme.scheme),
    part(scheme.in),
    typeof scheme.name === 'string' ? scheme.name : '',
  ].join('|');
}

function uniqueOptions(options: SecurityOption[]): SecurityOption[] {
  const seen = new Map<string, SecurityOption>();
  for (const option of options) if (!seen.has(option.signature)) seen.set(option.signature, option);
  return [...seen.values()].sort((a, b) => a.signature.localeCompare(b.signature));
}

/**
 * A server's security from the document itself: AsyncAPI 3 lists (dereferenced) scheme objects, 2.x requirement
 * objects `{ schemeName: scopes }`. Inline schemes have no id, so they are named by their component twin or type.
 */
function securityFromRaw(list: unknown, schemes: Map<string, SecuritySchemeModel>): SecurityOption[] | undefined {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  const byRaw = new Map<unknown, string>();
  const bySignature = new Map<string, string>();
  for (const scheme of schemes.values()) {
    if (scheme.raw !== undefined) byRaw.set(scheme.raw, scheme.id);
    const sig = schemeSignature(scheme);
    if (sig !== undefined && !bySignature.has(sig)) bySignature.set(sig, scheme.id);
  }
  const out: SecurityOption[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    if (typeof item.type === 'string') {
      const signature = schemeSignature(item)!;
      out.push({ id: byRaw.get(item) ?? bySignature.get(signature) ?? item.type, signature });
    } else {
      for (const name of Object.keys(item)) {
        out.push({ id: name, signature: schemeSignature(schemes.get(name)) ?? `id:${name}` });
      }
    }
  }
  return out;
}

/**
 * Builds the comparable model of a loaded AsyncAPI document.
 *
 * @example
 * const model = documentModelFromSpec(await loadSpec('asyncapi.yaml'));
 * model.messages.get('start_agent')?.direction; // 'receive'
 */
export function documentModelFromSpec(spec: Spec): DocumentModel {
  const raw = isRecord(spec.raw) ? spec.raw : {};
  const defaultContentType = typeof raw.defaultContentType === 'string' ? raw.defaultContentType : undefined;
  const messages = new Map<string, MessageModel>();
  for (const message of spec.messages) {
    const located = locateMessage(raw, message.name);
    const rawMessage = located?.message;
    const model: MessageModel = {
      name: message.name,
      direction: message.direction,
      payload: message.payload,
      docPath: located?.path ?? toPointer(['components', 'messages', message.name]),
    };
    if (message.type !== undefined) model.type = message.type;
    if (rawMessage !== undefined) {
      model.rawMessage = rawMessage;
      if (rawMessage.headers !== undefined) model.headers = schemaOf(rawMessage.headers);
    }
    const contentType = typeof rawMessage?.contentType === 'string' ? rawMessage.contentType : defaultContentType;
    if (contentType !== undefined) model.contentType = contentType;
    messages.set(message.name, model);
  }
  const channels = new Map<string, ChannelModel>();
  for (const channel of spec.channels) {
    const rawChannel = at(raw, 'channels', channel.id);
    channels.set(channel.id, {
      id: channel.id,
      address: channel.address,
      messages: [...channel.messages].sort(),
      ...(isRecord(rawChannel) && rawChannel['x-netra-tolerant-reader'] === true ? { tolerantReader: true } : {}),
      ...(isRecord(rawChannel) ? { raw: rawChannel } : {}),
    });
  }
  const operations = new Map<string, OperationModel>();
  for (const op of spec.operations) {
    const rawOp = at(raw, 'operations', op.id);
    operations.set(op.id, {
      id: op.id,
      action: op.action,
      channel: op.channel,
      messages: [...op.messages].sort(),
      ...(isRecord(rawOp) ? { raw: rawOp } : {}),
    });
  }
  const securitySchemes = new Map<string, SecuritySchemeModel>();
  for (const scheme of spec.securitySchemes) {
    const rawScheme = at(raw, 'components', 'securitySchemes', scheme.id);
    const model: SecuritySchemeModel = { id: scheme.id, type: scheme.type };
    for (const key of ['scheme', 'name', 'in', 'bearerFormat'] as const) {
      if (scheme[key] !== undefined) model[key] = scheme[key];
    }
    if (isRecord(rawScheme)) model.raw = rawScheme;
    securitySchemes.set(scheme.id, model);
  }
  const servers = new Map<string, ServerModel>();
  for (const server of spec.servers) {
    const rawServer = at(raw, 'servers', server.id);
    const fromRaw = isRecord(rawServer) ? securityFromRaw(rawServer.security, securitySchemes) : undefined;
    const security =
      fromRaw ??
      server.security.map((id) => ({ id, signature: schemeSignature(securitySchemes.get(id)) ?? `id:${id}` }));
    servers.set(server.id, {
      id: server.id,
      host: server.host,
      protocol: server.protocol,
      ...(server.pathname !== undefined ? { pathname: server.pathname } : {}),
      security: uniqueOptions(security),
      ...(isRecord(rawServer) ? { raw: rawServer } : {}),
    });
  }
  return {
    file: spec.file,
    specVersion: spec.version,
    asyncapiVersion: spec.asyncapiVersion,
    messages,
    channels,
    operations,
    servers,
    securitySchemes,
    raw,
  };
}
