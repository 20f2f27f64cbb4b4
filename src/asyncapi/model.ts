/** A JSON Schema as plain JSON data (draft-07 vocabulary plus AsyncAPI's extras). */
export type JsonSchema = boolean | { [keyword: string]: unknown };

/** Which way a message travels, seen from the application the document describes. */
export type MessageDirection = 'send' | 'receive' | 'both' | 'none';

export interface SpecExample {
  name?: string;
  summary?: string;
  payload: unknown;
}

export interface SpecMessage {
  /** Unique and filename-safe: the component key / message id, else the message's `name`. */
  name: string;
  /** The payload's `type` const when it has one (the discriminator value). */
  type?: string;
  /** From the described application's operations: in our spec 'send' = server->client, 'receive' = client->server. */
  direction: MessageDirection;
  title?: string;
  summary?: string;
  description?: string;
  /** Clean: x-parser-* stripped, dereferenced, cycles as `$ref` into root `$defs`. Always finite JSON. */
  payload: JsonSchema;
  examples: SpecExample[];
  /** The message's `x-*` keys (x-parser-* excluded), e.g. `x-netra-run`. */
  extensions: Record<string, unknown>;
}

export interface SpecChannel {
  id: string;
  address: string;
  description?: string;
  /** Names (SpecMessage.name) of the messages the channel carries. */
  messages: string[];
  bindings?: Record<string, unknown>;
  /** The channel's `x-*` keys (x-parser-* excluded), e.g. `x-netra-limits`. */
  extensions: Record<string, unknown>;
}

export interface SpecOperation {
  id: string;
  action: 'send' | 'receive';
  /** Channel id. */
  channel: string;
  /** Names (SpecMessage.name) of the messages of the operation. */
  messages: string[];
}

export interface SpecServer {
  id: string;
  host: string;
  protocol: string;
  pathname?: string;
  /** Ids of the security schemes the server accepts. */
  security: string[];
}

export interface SpecSecurityScheme {
  id: string;
  type: string;
  scheme?: string;
  name?: string;
  in?: string;
  bearerFormat?: string;
  description?: string;
}

/** An AsyncAPI document (2.6 or 3.x) reduced to what the project's tools need. Finite JSON throughout. */
export interface Spec {
  file: string;
  asyncapiVersion: string;
  title: string;
  version: string;
  id?: string;
  description?: string;
  /** Document order, unique names. */
  messages: SpecMessage[];
  channels: SpecChannel[];
  operations: SpecOperation[];
  servers: SpecServer[];
  securitySchemes: SpecSecurityScheme[];
  /** The whole dereferenced document, x-parser-* stripped, cycles as `$ref` JSON pointers. */
  raw: unknown;
}
