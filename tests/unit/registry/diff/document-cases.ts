// Before/after documents for every document-level change kind (used by document-kinds.test.ts and the
// catalogue coverage test).
import type { Spec, SpecMessage } from '../../../../src/asyncapi';
import type { Breaks, ChangeKind } from '../../../../src/registry';

export interface DocInput {
  asyncapi: string;
  info: Record<string, unknown>;
  messages: Record<string, { payload: unknown; direction?: never; raw?: Record<string, unknown> }>;
  channels: Record<string, { address: string; messages: string[]; raw?: Record<string, unknown> }>;
  operations: Record<
    string,
    { action: 'send' | 'receive'; channel: string; messages: string[]; raw?: Record<string, unknown> }
  >;
  servers: Record<
    string,
    { host: string; protocol: string; pathname?: string; security: string[]; raw?: Record<string, unknown> }
  >;
  schemes: Record<string, { type: string; scheme?: string; in?: string; name?: string; description?: string }>;
  top?: Record<string, unknown>;
}

export const tagged = (type: string): Record<string, unknown> => ({
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', const: type }, seq: { type: 'integer' } },
});
const control = { type: 'object', properties: { type: { type: 'string', enum: ['flush', 'clear'] } } };

export function base(): DocInput {
  return {
    asyncapi: '3.0.0',
    info: { title: 'T', version: '1.0.0', description: 'd' },
    messages: {
      ping: { payload: tagged('ping'), raw: { contentType: 'application/json', description: 'A ping.' } },
      pong: { payload: tagged('pong') },
      flush: { payload: control },
      clear: { payload: control },
      echo: { payload: tagged('echo') },
      draft: { payload: tagged('draft') },
    },
    channels: {
      ch: {
        address: '/ws',
        messages: ['ping', 'pong', 'flush', 'clear', 'echo'],
        raw: {
          description: 'c',
          bindings: {
            ws: {
              method: 'GET',
              query: { type: 'object', properties: { model: { type: 'string', enum: ['a', 'b'] } } },
              bindingVersion: '0.1.0',
            },
          },
          servers: [{ host: 'example.com', protocol: 'wss' }],
        },
      },
      ch2: { address: '/other', messages: [] },
    },
    operations: {
      sendPing: { action: 'send', channel: 'ch', messages: ['ping'] },
      sendPingAgain: { action: 'send', channel: 'ch', messages: ['ping'] },
      receivePong: { action: 'receive', channel: 'ch', messages: ['pong'] },
      sendFlush: { action: 'send', channel: 'ch', messages: ['flush'] },
      sendClear: { action: 'send', channel: 'ch', messages: ['clear'] },
      sendAll: { action: 'send', channel: 'ch', messages: ['flush', 'ping'] },
      sendEcho: { action: 'send', channel: 'ch', messages: ['echo'] },
      receiveEcho: { action: 'receive', channel: 'ch', messages: ['echo'] },
    },
    servers: {
      prod: { host: 'example.com', protocol: 'wss', pathname: '/api', security: ['key'] },
      dev: { host: 'localhost:8000', protocol: 'ws', security: [] },
    },
    schemes: {
      key: { type: 'httpApiKey', in: 'header', name: 'X-Key' },
      jwt: { type: 'http', scheme: 'bearer' },
      spare: { type: 'httpApiKey', in: 'header', name: 'X-Spare' },
    },
  };
}

/** A Spec as the loader would give it, raw (dereferenced) document included. */
export function specOf(d: DocInput): Spec {
  const schemes = Object.fromEntries(Object.entries(d.schemes).map(([id, s]) => [id, { ...s }]));
  const directions = new Map<string, Set<string>>();
  for (const op of Object.values(d.operations)) {
    for (const m of op.messages) directions.set(m, new Set([...(directions.get(m) ?? []), op.action]));
  }
  const messages: SpecMessage[] = Object.entries(d.messages).map(([name, m]) => {
    const dirs = directions.get(name);
    const direction = dirs === undefined ? 'none' : dirs.size === 2 ? 'both' : ([...dirs][0] as 'send' | 'receive');
    const payload = m.payload as SpecMessage['payload'];
    const type = (payload as { properties?: { type?: { const?: string } } }).properties?.type?.const;
    return { name, direction, payload, examples: [], extensions: {}, ...(type !== undefined ? { type } : {}) };
  });
  const rawMessages = Object.fromEntries(
    Object.entries(d.messages).map(([name, m]) => [name, { payload: m.payload, ...(m.raw ?? {}) }]),
  );
  const raw = {
    asyncapi: d.asyncapi,
    info: d.info,
    ...(d.top ?? {}),
    servers: Object.fromEntries(
      Object.entries(d.servers).map(([id, s]) => [
        id,
        {
          host: s.host,
          protocol: s.protocol,
          ...(s.pathname ? { pathname: s.pathname } : {}),
          security: s.security.map((x) => schemes[x]),
          ...(s.raw ?? {}),
        },
      ]),
    ),
    channels: Object.fromEntries(
      Object.entries(d.channels).map(([id, c]) => [
        id,
        {
          address: c.address,
          messages: Object.fromEntries(c.messages.map((m) => [m, rawMessages[m]])),
          ...(c.raw ?? {}),
        },
      ]),
    ),
    operations: Object.fromEntries(
      Object.entries(d.operations).map(([id, o]) => [id, { action: o.action, ...(o.raw ?? {}) }]),
    ),
    components: { messages: rawMessages, securitySchemes: schemes },
  };
  return {
    file: 'doc.yaml',
    asyncapiVersion: d.asyncapi,
    title: 'T',
    version: String(d.info.version),
    messages,
    channels: Object.entries(d.channels).map(([id, c]) => ({
      id,
      address: c.address,
      messages: c.messages,
      extensions: {},
    })),
    operations: Object.entries(d.operations).map(([id, o]) => ({
      id,
      action: o.action,
      channel: o.channel,
      messages: o.messages,
    })),
    servers: Object.entries(d.servers).map(([id, s]) => ({
      id,
      host: s.host,
      protocol: s.protocol,
      ...(s.pathname ? { pathname: s.pathname } : {}),
      security: s.security,
    })),
    securitySchemes: Object.entries(d.schemes).map(([id, s]) => ({ id, ...s })),
    raw,
  };
}

export interface DocCase {
  kind: ChangeKind;
  breaks: Breaks;
  edit: (d: DocInput) => void;
  path: string;
  message: string | null;
  extra?: ChangeKind[];
  mirror?: ChangeKind;
  /** Reversing the edit is not the mirror image in meaning (e.g. a merge reversed is an addition). */
  asymmetric?: boolean;
  /** Applied to both documents before `edit` (what the old document already had). */
  setup?: (d: DocInput) => void;
}

/**
 * `tagged(type)` with a `pair` array whose positions are declared in an `anyOf` branch and closed by
 * `unevaluatedItems: false` beside it: a change the diff still misjudges (positions evaluated by a union branch are
 * not followed to the `unevaluatedItems` beside it), kept here so the instance check has a wrong verdict to catch.
 */
function taggedWithPair(type: string, positions: number): Record<string, unknown> {
  const prefixItems = Array.from({ length: positions }, () => ({ type: 'string' }));
  const pair = { type: 'array', anyOf: [{ prefixItems }, { maxItems: 0 }], unevaluatedItems: false };
  const out = tagged(type);
  return { ...out, properties: { ...(out.properties as Record<string, unknown>), pair } };
}

export const documentCases: DocCase[] = [
  {
    kind: 'MESSAGE_ADDED_TO_TOLERANT_READER',
    breaks: 'none',
    message: 'pang',
    path: '/components/messages/pang',
    extra: ['OPERATION_ADDED'],
    mirror: 'MESSAGE_REMOVED',
    asymmetric: true,
    setup: (d) => {
      d.channels.ch.raw = { ...d.channels.ch.raw, 'x-netra-tolerant-reader': true };
    },
    edit: (d) => {
      d.messages.pang = { payload: tagged('pang') };
      d.channels.ch.messages.push('pang');
      d.operations.sendPang = { action: 'send', channel: 'ch', messages: ['pang'] };
    },
  },
  // The instance check finds what the diff misses: properties an `allOf` branch declares are evaluated, so
  // `unevaluatedProperties: false` beside it lets them through (the diff sees only one more allOf branch, which
  // narrows).
  {
    kind: 'INSTANCE_CHECK_DISAGREES_FORWARD',
    breaks: 'forward',
    message: 'ping',
    path: '',
    extra: ['ITEM_ADDED_TO_OPEN_CONTENT_MODEL'],
    asymmetric: true,
    setup: (d) => {
      d.messages.ping.payload = taggedWithPair('ping', 1);
    },
    edit: (d) => {
      d.messages.ping.payload = taggedWithPair('ping', 2);
    },
  },
  {
    kind: 'INSTANCE_CHECK_DISAGREES_BACKWARD',
    breaks: 'backward',
    message: 'pong',
    path: '',
    extra: ['ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL'],
    asymmetric: true,
    setup: (d) => {
      d.messages.pong.payload = taggedWithPair('pong', 2);
    },
    edit: (d) => {
      d.messages.pong.payload = taggedWithPair('pong', 1);
    },
  },
  {
    kind: 'MESSAGE_ADDED',
    breaks: 'forward',
    message: 'pang',
    path: '/components/messages/pang',
    extra: ['OPERATION_ADDED'],
    mirror: 'MESSAGE_REMOVED',
    asymmetric: true,
    edit: (d) => {
      d.messages.pang = { payload: tagged('pang') };
      d.channels.ch.messages.push('pang');
      d.operations.sendPang = { action: 'send', channel: 'ch', messages: ['pang'] };
    },
  },
  {
    kind: 'MESSAGE_REMOVED',
    breaks: 'both',
    message: 'pong',
    path: '/components/messages/pong',
    extra: ['OPERATION_REMOVED'],
    mirror: 'MESSAGE_ADDED',
    asymmetric: true,
    edit: (d) => {
      delete d.messages.pong;
      d.channels.ch.messages = d.channels.ch.messages.filter((m) => m !== 'pong');
      delete d.operations.receivePong;
    },
  },
  {
    kind: 'MESSAGE_RENAMED',
    breaks: 'both',
    message: 'ping2',
    path: '/components/messages/ping2',
    extra: ['OPERATION_MESSAGES_CHANGED', 'OPERATION_MESSAGES_CHANGED', 'OPERATION_MESSAGES_CHANGED'],
    mirror: 'MESSAGE_RENAMED',
    edit: (d) => {
      d.messages.ping2 = d.messages.ping;
      delete d.messages.ping;
      d.channels.ch.messages = d.channels.ch.messages.map((m) => (m === 'ping' ? 'ping2' : m));
      for (const op of Object.values(d.operations))
        op.messages = op.messages.map((m) => (m === 'ping' ? 'ping2' : m)).sort();
    },
  },
  {
    kind: 'MESSAGE_MERGED',
    breaks: 'none',
    message: 'clear',
    path: '/components/messages/flush',
    extra: ['OPERATION_MESSAGES_CHANGED'],
    mirror: 'MESSAGE_ADDED',
    asymmetric: true,
    edit: (d) => {
      delete d.messages.clear;
      d.channels.ch.messages = d.channels.ch.messages.filter((m) => m !== 'clear');
      d.operations.sendClear.messages = ['flush'];
    },
  },
  {
    kind: 'MESSAGE_DIRECTION_CHANGED',
    breaks: 'both',
    message: 'pong',
    path: '/components/messages/pong',
    extra: ['OPERATION_ACTION_CHANGED'],
    mirror: 'MESSAGE_DIRECTION_CHANGED',
    edit: (d) => {
      d.operations.receivePong.action = 'send';
    },
  },
  {
    kind: 'MESSAGE_DIRECTION_EXTENDED',
    breaks: 'none',
    message: 'ping',
    path: '/components/messages/ping',
    extra: ['OPERATION_ADDED'],
    mirror: 'MESSAGE_DIRECTION_NARROWED',
    asymmetric: true,
    edit: (d) => {
      d.operations.receivePing = { action: 'receive', channel: 'ch', messages: ['ping'] };
    },
  },
  {
    kind: 'MESSAGE_DIRECTION_NARROWED',
    breaks: 'both',
    message: 'echo',
    path: '/components/messages/echo',
    extra: ['OPERATION_REMOVED'],
    mirror: 'MESSAGE_DIRECTION_EXTENDED',
    asymmetric: true,
    edit: (d) => {
      delete d.operations.sendEcho;
    },
  },
  {
    kind: 'MESSAGE_REMOVED',
    breaks: 'both',
    message: 'pong',
    path: '/components/messages/pong',
    extra: ['OPERATION_REMOVED'],
    mirror: 'MESSAGE_ADDED',
    asymmetric: true,
    edit: (d) => {
      delete d.operations.receivePong;
    },
  },
  {
    kind: 'MESSAGE_ADDED',
    breaks: 'forward',
    message: 'draft',
    path: '/components/messages/draft',
    extra: ['OPERATION_ADDED'],
    mirror: 'MESSAGE_REMOVED',
    asymmetric: true,
    edit: (d) => {
      d.channels.ch.messages.push('draft');
      d.operations.sendDraft = { action: 'send', channel: 'ch', messages: ['draft'] };
    },
  },
  {
    kind: 'UNUSED_MESSAGE_ADDED',
    breaks: 'none',
    message: 'sketch',
    path: '/components/messages/sketch',
    mirror: 'UNUSED_MESSAGE_REMOVED',
    edit: (d) => void (d.messages.sketch = { payload: tagged('sketch') }),
  },
  {
    kind: 'UNUSED_MESSAGE_REMOVED',
    breaks: 'none',
    message: 'draft',
    path: '/components/messages/draft',
    mirror: 'UNUSED_MESSAGE_ADDED',
    edit: (d) => void delete d.messages.draft,
  },
  {
    kind: 'MESSAGE_ADDED_TO_CHANNEL',
    breaks: 'forward',
    message: 'ping',
    path: '/components/messages/ping',
    mirror: 'MESSAGE_REMOVED_FROM_CHANNEL',
    asymmetric: true,
    edit: (d) => {
      d.channels.ch2.messages.push('ping');
    },
  },
  {
    kind: 'MESSAGE_REMOVED_FROM_CHANNEL',
    breaks: 'both',
    message: 'pong',
    path: '/components/messages/pong',
    mirror: 'MESSAGE_ADDED_TO_CHANNEL',
    asymmetric: true,
    edit: (d) => {
      d.channels.ch.messages = d.channels.ch.messages.filter((m) => m !== 'pong');
    },
  },
  {
    kind: 'MESSAGE_CONTENT_TYPE_CHANGED',
    breaks: 'both',
    message: 'ping',
    path: '/components/messages/ping/contentType',
    mirror: 'MESSAGE_CONTENT_TYPE_CHANGED',
    edit: (d) => {
      d.messages.ping.raw = { ...d.messages.ping.raw, contentType: 'application/cbor' };
    },
  },
  {
    kind: 'CONST_CHANGED',
    breaks: 'both',
    message: 'ping',
    path: '/properties/type/const',
    extra: [],
    mirror: 'CONST_CHANGED',
    edit: (d) => {
      d.messages.ping.payload = {
        ...tagged('ping'),
        properties: { type: { type: 'string', const: 'PING' }, seq: { type: 'integer' } },
      };
    },
  },
  {
    kind: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    breaks: 'backward',
    message: 'ping',
    path: '/properties/trace',
    mirror: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
    edit: (d) => {
      d.messages.ping.raw = {
        ...d.messages.ping.raw,
        headers: { type: 'object', properties: { trace: { type: 'string' } } },
      };
    },
    extra: ['TYPE_NARROWED'],
  },
  {
    kind: 'DOCUMENTATION_CHANGED',
    breaks: 'none',
    message: 'ping',
    path: '/components/messages/ping/description',
    mirror: 'DOCUMENTATION_CHANGED',
    edit: (d) => {
      d.messages.ping.raw = { ...d.messages.ping.raw, description: 'A ping, reworded.' };
    },
  },
  {
    kind: 'DOCUMENT_FIELD_CHANGED',
    breaks: 'both',
    message: 'ping',
    path: '/components/messages/ping/correlationId',
    mirror: 'DOCUMENT_FIELD_CHANGED',
    edit: (d) => {
      d.messages.ping.raw = { ...d.messages.ping.raw, correlationId: { location: '$message.payload#/seq' } };
    },
  },

  {
    kind: 'CHANNEL_ADDED',
    breaks: 'none',
    message: null,
    path: '/channels/ch3',
    mirror: 'CHANNEL_REMOVED',
    asymmetric: true,
    edit: (d) => void (d.channels.ch3 = { address: '/new', messages: [] }),
  },
  {
    kind: 'CHANNEL_REMOVED',
    breaks: 'both',
    message: null,
    path: '/channels/ch2',
    mirror: 'CHANNEL_ADDED',
    asymmetric: true,
    edit: (d) => void delete d.channels.ch2,
  },
  {
    kind: 'CHANNEL_RENAMED',
    breaks: 'none',
    message: null,
    path: '/channels/ch3',
    mirror: 'CHANNEL_RENAMED',
    edit: (d) => {
      d.channels.ch3 = d.channels.ch2;
      delete d.channels.ch2;
    },
  },
  {
    kind: 'CHANNEL_ADDRESS_CHANGED',
    breaks: 'both',
    message: null,
    path: '/channels/ch/address',
    mirror: 'CHANNEL_ADDRESS_CHANGED',
    edit: (d) => void (d.channels.ch.address = '/v2/ws'),
  },
  {
    kind: 'CHANNEL_SERVERS_CHANGED',
    breaks: 'both',
    message: null,
    path: '/channels/ch/servers',
    mirror: 'CHANNEL_SERVERS_CHANGED',
    edit: (d) =>
      void (d.channels.ch.raw = {
        ...d.channels.ch.raw,
        servers: [
          { host: 'example.com', protocol: 'wss' },
          { host: 'localhost:8000', protocol: 'ws' },
        ],
      }),
  },
  {
    kind: 'CHANNEL_BINDING_CHANGED',
    breaks: 'both',
    message: null,
    path: '/channels/ch/bindings/ws/method',
    mirror: 'CHANNEL_BINDING_CHANGED',
    edit: (d) => {
      const ws = (d.channels.ch.raw!.bindings as { ws: Record<string, unknown> }).ws;
      d.channels.ch.raw = { ...d.channels.ch.raw, bindings: { ws: { ...ws, method: 'POST' } } };
    },
  },
  {
    kind: 'BINDING_VERSION_CHANGED',
    breaks: 'none',
    message: null,
    path: '/channels/ch/bindings/ws/bindingVersion',
    mirror: 'BINDING_VERSION_CHANGED',
    edit: (d) => {
      const ws = (d.channels.ch.raw!.bindings as { ws: Record<string, unknown> }).ws;
      d.channels.ch.raw = { ...d.channels.ch.raw, bindings: { ws: { ...ws, bindingVersion: '0.2.0' } } };
    },
  },
  {
    kind: 'ENUM_ARRAY_EXTENDED',
    breaks: 'forward',
    message: null,
    path: '/channels/ch/bindings/ws/query/properties/model/enum',
    mirror: 'ENUM_ARRAY_NARROWED',
    edit: (d) => {
      const ws = (d.channels.ch.raw!.bindings as { ws: Record<string, unknown> }).ws;
      d.channels.ch.raw = {
        ...d.channels.ch.raw,
        bindings: {
          ws: { ...ws, query: { type: 'object', properties: { model: { type: 'string', enum: ['a', 'b', 'c'] } } } },
        },
      };
    },
  },
  {
    kind: 'DOCUMENTATION_CHANGED',
    breaks: 'none',
    message: null,
    path: '/channels/ch/description',
    mirror: 'DOCUMENTATION_CHANGED',
    edit: (d) => void (d.channels.ch.raw = { ...d.channels.ch.raw, description: 'other' }),
  },
  {
    kind: 'EXTENSION_CHANGED',
    breaks: 'none',
    message: null,
    path: '/channels/ch/x-public',
    mirror: 'EXTENSION_CHANGED',
    edit: (d) => void (d.channels.ch.raw = { ...d.channels.ch.raw, 'x-public': true }),
  },

  {
    kind: 'OPERATION_ADDED',
    breaks: 'none',
    message: null,
    path: '/operations/sendPing3',
    mirror: 'OPERATION_REMOVED',
    asymmetric: true,
    edit: (d) => void (d.operations.sendPing3 = { action: 'send', channel: 'ch2', messages: ['ping'] }),
  },
  {
    kind: 'OPERATION_REMOVED',
    breaks: 'both',
    message: null,
    path: '/operations/sendPingAgain',
    mirror: 'OPERATION_ADDED',
    asymmetric: true,
    edit: (d) => void delete d.operations.sendPingAgain,
  },
  {
    kind: 'OPERATION_RENAMED',
    breaks: 'none',
    message: null,
    path: '/operations/emitPong',
    mirror: 'OPERATION_RENAMED',
    edit: (d) => {
      d.operations.emitPong = d.operations.receivePong;
      delete d.operations.receivePong;
    },
  },
  {
    kind: 'OPERATION_ACTION_CHANGED',
    breaks: 'both',
    message: null,
    path: '/operations/receivePong/action',
    extra: ['MESSAGE_DIRECTION_CHANGED'],
    mirror: 'OPERATION_ACTION_CHANGED',
    edit: (d) => void (d.operations.receivePong.action = 'send'),
  },
  {
    kind: 'OPERATION_CHANNEL_CHANGED',
    breaks: 'both',
    message: null,
    path: '/operations/sendPingAgain/channel',
    mirror: 'OPERATION_CHANNEL_CHANGED',
    edit: (d) => void (d.operations.sendPingAgain.channel = 'ch2'),
  },
  {
    kind: 'OPERATION_MESSAGES_CHANGED',
    breaks: 'none',
    message: null,
    path: '/operations/sendAll/messages',
    mirror: 'OPERATION_MESSAGES_CHANGED',
    edit: (d) => void (d.operations.sendAll.messages = ['ping']),
  },

  {
    kind: 'SERVER_ADDED',
    breaks: 'none',
    message: null,
    path: '/servers/eu',
    mirror: 'SERVER_REMOVED',
    asymmetric: true,
    edit: (d) => void (d.servers.eu = { host: 'eu.example.com', protocol: 'wss', security: ['key'] }),
  },
  {
    kind: 'SERVER_REMOVED',
    breaks: 'both',
    message: null,
    path: '/servers/dev',
    mirror: 'SERVER_ADDED',
    asymmetric: true,
    edit: (d) => void delete d.servers.dev,
  },
  {
    kind: 'SERVER_RENAMED',
    breaks: 'none',
    message: null,
    path: '/servers/local',
    mirror: 'SERVER_RENAMED',
    edit: (d) => {
      d.servers.local = d.servers.dev;
      delete d.servers.dev;
    },
  },
  {
    kind: 'SERVER_HOST_CHANGED',
    breaks: 'both',
    message: null,
    path: '/servers/prod/host',
    mirror: 'SERVER_HOST_CHANGED',
    edit: (d) => void (d.servers.prod.host = 'api.example.com'),
  },
  {
    kind: 'SERVER_PROTOCOL_CHANGED',
    breaks: 'both',
    message: null,
    path: '/servers/dev/protocol',
    mirror: 'SERVER_PROTOCOL_CHANGED',
    edit: (d) => void (d.servers.dev.protocol = 'wss'),
  },
  {
    kind: 'SERVER_PROTOCOL_CHANGED',
    breaks: 'both',
    message: null,
    path: '/servers/dev/protocolVersion',
    mirror: 'SERVER_PROTOCOL_CHANGED',
    edit: (d) => void (d.servers.dev.raw = { protocolVersion: '13' }),
  },
  {
    kind: 'SERVER_PATHNAME_CHANGED',
    breaks: 'both',
    message: null,
    path: '/servers/prod/pathname',
    mirror: 'SERVER_PATHNAME_CHANGED',
    edit: (d) => void (d.servers.prod.pathname = '/api/v2'),
  },
  {
    kind: 'SERVER_SECURITY_ADDED',
    breaks: 'forward',
    message: null,
    path: '/servers/prod/security',
    mirror: 'SERVER_SECURITY_REMOVED',
    edit: (d) => void d.servers.prod.security.push('jwt'),
  },
  {
    kind: 'SERVER_SECURITY_REMOVED',
    breaks: 'backward',
    message: null,
    path: '/servers/prod/security',
    mirror: 'SERVER_SECURITY_ADDED',
    edit: (d) => {
      d.servers.prod.security = ['jwt'];
    },
    extra: ['SERVER_SECURITY_ADDED'],
  },
  {
    kind: 'SERVER_SECURITY_REQUIRED',
    breaks: 'backward',
    message: null,
    path: '/servers/dev/security',
    mirror: 'SERVER_SECURITY_DROPPED',
    edit: (d) => void (d.servers.dev.security = ['key']),
  },
  {
    kind: 'SERVER_SECURITY_DROPPED',
    breaks: 'forward',
    message: null,
    path: '/servers/prod/security',
    mirror: 'SERVER_SECURITY_REQUIRED',
    edit: (d) => void (d.servers.prod.security = []),
  },

  {
    kind: 'SECURITY_SCHEME_ADDED',
    breaks: 'none',
    message: null,
    path: '/components/securitySchemes/oauth',
    mirror: 'SECURITY_SCHEME_REMOVED',
    asymmetric: true,
    edit: (d) => void (d.schemes.oauth = { type: 'oauth2' }),
  },
  {
    kind: 'SECURITY_SCHEME_REMOVED',
    breaks: 'both',
    message: null,
    path: '/components/securitySchemes/spare',
    mirror: 'SECURITY_SCHEME_ADDED',
    asymmetric: true,
    edit: (d) => void delete d.schemes.spare,
  },
  {
    kind: 'SECURITY_SCHEME_RENAMED',
    breaks: 'none',
    message: null,
    path: '/components/securitySchemes/reserve',
    mirror: 'SECURITY_SCHEME_RENAMED',
    edit: (d) => {
      d.schemes.reserve = d.schemes.spare;
      delete d.schemes.spare;
    },
  },
  {
    kind: 'SECURITY_SCHEME_CHANGED',
    breaks: 'both',
    message: null,
    path: '/components/securitySchemes/spare/in',
    mirror: 'SECURITY_SCHEME_CHANGED',
    edit: (d) => void (d.schemes.spare.in = 'query'),
  },
  {
    kind: 'DOCUMENTATION_CHANGED',
    breaks: 'none',
    message: null,
    path: '/components/securitySchemes/spare/description',
    mirror: 'DOCUMENTATION_CHANGED',
    edit: (d) => void (d.schemes.spare.description = 'spare key'),
  },

  {
    kind: 'SPEC_VERSION_CHANGED',
    breaks: 'none',
    message: null,
    path: '/info/version',
    mirror: 'SPEC_VERSION_CHANGED',
    edit: (d) => void (d.info.version = '1.1.0'),
  },
  {
    kind: 'ASYNCAPI_VERSION_CHANGED',
    breaks: 'none',
    message: null,
    path: '/asyncapi',
    mirror: 'ASYNCAPI_VERSION_CHANGED',
    edit: (d) => void (d.asyncapi = '3.1.0'),
  },
  {
    kind: 'DOCUMENTATION_CHANGED',
    breaks: 'none',
    message: null,
    path: '/info/description',
    mirror: 'DOCUMENTATION_CHANGED',
    edit: (d) => void (d.info.description = 'other'),
  },
  {
    kind: 'EXTENSION_CHANGED',
    breaks: 'none',
    message: null,
    path: '/x-owner',
    mirror: 'EXTENSION_CHANGED',
    edit: (d) => void (d.top = { 'x-owner': 'team' }),
  },
  {
    kind: 'DOCUMENT_FIELD_CHANGED',
    breaks: 'both',
    message: null,
    path: '/id',
    mirror: 'DOCUMENT_FIELD_CHANGED',
    edit: (d) => void (d.top = { id: 'urn:other' }),
  },
];
