import type { Spec, SpecMessage } from '../asyncapi';
import type { RecordedExamples } from './inputs/sessions';
import type { RulesDoc } from './inputs/rules';
import type { ChangelogDoc } from './inputs/registry';

/**
 * Which application the document describes, for direction labels. `server` (this project's convention): `send`
 * messages go server → client. `client`: the other way. `application`: say only "sent" / "received" (third-party
 * documents, where it is not known).
 */
export type DescribedRole = 'server' | 'client' | 'application';

/** Everything the page is rendered from, gathered once. */
export interface DocsModel {
  spec: Spec;
  role: DescribedRole;
  /** Undefined when no sessions folder was given. */
  recorded?: RecordedExamples;
  /** Undefined when no rules folder was given. */
  rules?: RulesDoc;
  /** Undefined when no registry folder was given; `present: false` when it was given but holds no registry. */
  changelog?: ChangelogDoc;
  /** Per message name: the download file's path (relative to the site) and its size in bytes. */
  schemaFiles: Map<string, { path: string; bytes: number }>;
  /** Anchor id of each message's section, by message name. */
  messageAnchors: Map<string, string>;
  /** Message name by its `type` discriminator, to link state and type names to their message. */
  messageByType: Map<string, SpecMessage>;
  /** Where the inputs came from, as shown on the page. */
  sources: { spec: string; sessions?: string; rules?: string; registry?: string };
}

/** Direction groups in page order. */
export const DIRECTION_GROUPS: SpecMessage['direction'][] = ['send', 'receive', 'both', 'none'];

/**
 * Label of a direction for the described role.
 *
 * @example
 * directionLabel('send', 'server'); // 'server → client'
 */
export function directionLabel(direction: SpecMessage['direction'], role: DescribedRole): string {
  if (direction === 'both') return 'both ways';
  if (direction === 'none') return 'in no operation';
  if (role === 'application') return direction === 'send' ? 'sent by the application' : 'received by the application';
  const serverSends = role === 'server';
  return (direction === 'send') === serverSends ? 'server → client' : 'client → server';
}
