import type { MessageDirection } from '../../asyncapi';
import { RegistryError } from '../errors';
import { breaksBackward, breaksForward, type ChangeKind } from './kinds';

/** Compatibility modes as Confluent Schema Registry defines them. */
export const compatibilityModes = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityMode = (typeof compatibilityModes)[number];

/**
 * Which application the document describes. With `server` (this project's convention), `send` messages go from the
 * server to clients and `receive` messages from clients to the server; with `client` the other way round.
 */
export type DescribedRole = 'server' | 'client';

/** Mode for changes that are about the handshake and the document (addresses, servers, security): clients write the
 * handshake and the server, always the newer peer, reads it. */
export const DEFAULT_DOCUMENT_MODE: CompatibilityMode = 'BACKWARD_TRANSITIVE';

/**
 * Parses a mode name (case-insensitive). Throws `BAD_MODE` (exit 2) for anything else.
 *
 * @example
 * parseMode('forward_transitive'); // 'FORWARD_TRANSITIVE'
 */
export function parseMode(value: string): CompatibilityMode {
  const upper = value.trim().toUpperCase();
  const found = compatibilityModes.find((m) => m === upper);
  if (found === undefined) {
    throw new RegistryError(
      'BAD_MODE',
      `unknown compatibility mode '${value}'; use one of ${compatibilityModes.join(', ')}`,
    );
  }
  return found;
}

/**
 * The default mode of a message from its direction: what the server sends must stay readable by older clients
 * (FORWARD_TRANSITIVE); what clients send must stay readable by the newer server (BACKWARD_TRANSITIVE). A message
 * used both ways gets FULL_TRANSITIVE; one no operation uses gets FULL_TRANSITIVE too (nobody knows who reads it).
 *
 * @example
 * defaultModeFor('send'); // 'FORWARD_TRANSITIVE' (the server sends it)
 * defaultModeFor('send', 'client'); // 'BACKWARD_TRANSITIVE' (a client sends it)
 */
export function defaultModeFor(direction: MessageDirection, role: DescribedRole = 'server'): CompatibilityMode {
  if (direction === 'both' || direction === 'none') return 'FULL_TRANSITIVE';
  const serverSends = (direction === 'send') === (role === 'server');
  return serverSends ? 'FORWARD_TRANSITIVE' : 'BACKWARD_TRANSITIVE';
}

/**
 * True when `mode` checks the new schema as a reader of old data.
 *
 * @example
 * checksBackward('FULL_TRANSITIVE'); // true
 */
export function checksBackward(mode: CompatibilityMode): boolean {
  return mode.startsWith('BACKWARD') || mode.startsWith('FULL');
}

/**
 * True when `mode` checks the old schema as a reader of new data.
 *
 * @example
 * checksForward('BACKWARD'); // false
 */
export function checksForward(mode: CompatibilityMode): boolean {
  return mode.startsWith('FORWARD') || mode.startsWith('FULL');
}

/**
 * True when `mode` compares with every registered version (since the last forced one), not only the latest.
 *
 * @example
 * isTransitive('FORWARD_TRANSITIVE'); // true
 */
export function isTransitive(mode: CompatibilityMode): boolean {
  return mode.endsWith('_TRANSITIVE');
}

/**
 * Whether a change of `kind` is breaking under `mode`.
 *
 * @example
 * isBreaking('ENUM_ARRAY_EXTENDED', 'FORWARD_TRANSITIVE'); // true: an old client meets a value it does not know
 * isBreaking('ENUM_ARRAY_EXTENDED', 'BACKWARD'); // false
 */
export function isBreaking(kind: ChangeKind, mode: CompatibilityMode): boolean {
  return (checksBackward(mode) && breaksBackward(kind)) || (checksForward(mode) && breaksForward(kind));
}
