/** One schema error of a message, as the generated validators report it. */
export interface SchemaError {
  pointer: string;
  keyword: string;
  message: string;
}

/** Result of validating one message against the generated schemas. */
/**
 * Result of validating one message against the generated schemas. A failure whose only fault is a `type` the
 * contract does not know (a well-formed message of a newer contract) has `unknown: true`; whether a reader may
 * ignore it instead is `Protocol.tolerantReader`.
 */
export type ValidationResult = { ok: true } | { ok: false; errors: SchemaError[]; unknown?: true };

/** Message validators; by default the ajv standalone ones in `generated/validators`. */
export interface MessageValidators {
  server(msg: unknown): ValidationResult;
  client(msg: unknown): ValidationResult;
}

/** A server message that belongs to a run. */
export interface RunEventLike {
  type: string;
  run_id: string;
  seq: number;
  [key: string]: unknown;
}

/** The channel limits (`x-netra-limits`) every provider enforces and every tool may rely on. */
export interface ChannelLimits {
  max_client_frame_bytes: number;
  max_server_frame_bytes: number;
  max_json_depth: number;
  client_frames_per_second: number;
  client_frames_burst: number;
  heartbeat_interval_ms: number;
  /** Further limits the spec declares (numbers only). */
  [name: string]: number;
}

/** What the code knows about the protocol, all of it read from `generated/contract.json` (i.e. from asyncapi.yaml). */
export interface Protocol {
  /**
   * The channel promises a tolerant reader (`x-netra-tolerant-reader: true`): clients ignore server message types
   * they do not know, so the server may add one without breaking them.
   */
  tolerantReader: boolean;
  title: string;
  version: string;
  /** `<title>@<version>`: the `spec` of session headers. */
  specName: string;
  /** `major.minor` of `info.version`: `connection_established.protocol_version`. */
  protocolVersion: string;
  /** The channel address, e.g. `/ws`. */
  address: string;
  limits: Readonly<ChannelLimits>;
  /** Documented close codes and what each means. */
  closeCodes: ReadonlyMap<number, string>;
  /** Message types the server sends. */
  serverTypes: ReadonlySet<string>;
  /** Message types a client sends. */
  clientTypes: ReadonlySet<string>;
  /** Server messages that belong to a run (their payload requires `run_id` and `seq`). */
  runEventTypes: ReadonlySet<string>;
  /** The run's first event (`x-netra-run: start`). */
  startType: string;
  /** The events that end a run (`x-netra-run: terminal`). */
  terminalTypes: ReadonlySet<string>;
  /** True for a message object whose type is a run event and that carries a string `run_id` and a numeric `seq`. */
  isRunEvent(msg: unknown): msg is RunEventLike;
  /** True when `type` ends a run. */
  isTerminal(type: unknown): boolean;
}
