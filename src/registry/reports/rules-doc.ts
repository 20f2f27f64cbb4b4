// Renders src/registry/RULES.md from the catalogue, so the documented rules are the rules the code applies
// (a unit test fails when the committed file is stale; `netra-contracts registry rules --write` refreshes it).
import { changeKinds, changeKindNames, type ChangeKind, type KindGroup } from '../diff/kinds';

const GROUP_TITLES: Record<KindGroup, string> = {
  annotation: 'Annotations',
  type: 'Types',
  value: 'Values (enum, const)',
  string: 'Strings',
  number: 'Numbers',
  object: 'Objects and content models',
  array: 'Arrays',
  combinator: 'Combinators (allOf, anyOf, oneOf, not)',
  conditional: 'Conditionals (if/then/else)',
  reference: 'References',
  unknown: 'Everything else in a schema',
  instance: 'Instance check',
  message: 'Messages',
  channel: 'Channels',
  operation: 'Operations',
  server: 'Servers',
  security: 'Security',
  document: 'The rest of the document',
};

const BREAKS_TEXT = { none: 'nothing', backward: 'BACKWARD', forward: 'FORWARD', both: 'BACKWARD + FORWARD' } as const;

const PREAMBLE = `# Schema registry: compatibility rules

Generated from \`src/registry/diff/kinds.ts\` by \`netra-contracts registry rules --write\`; do not edit by hand.

Every difference \`netra-contracts registry diff\` / \`check\` finds has exactly one **kind** below, and every kind has
one fixed rule saying which compatibility direction it breaks. Nothing is ever "unclassified": what the diff cannot
analyse precisely (a changed \`if\`, \`pattern\`, overlapping \`patternProperties\`, unknown keywords, unknown
document fields, schemas past the work limit) has a named kind that is conservatively breaking in both directions.

## Commands

| command | what it does | exit |
|---|---|---|
| \`registry check [--against git:<ref> \\| FILE] [--format text\\|json\\|junit\\|github]\` | the CI gate: the working spec against the registry's versions (and a git ref or file) | 0 ok, 1 breaking / unregistered / damaged, 2 bad input |
| \`registry register [--force --reason "..."]\` | records new versions; refuses a breaking change unless forced (the reason is recorded) | 0, 1 refused, 2 bad input |
| \`registry diff OLD NEW [--mode M] [--role server\\|client] [--json]\` | compares two documents (files or \`git:<ref>\`) | 0 compatible, 1 incompatible, 2 bad input |
| \`registry log [MESSAGE]\` | versions and what changed between them | 0, 2 |
| \`registry corpus-diff DIR\` | diffs consecutive revisions in a folder and counts change kinds | 0, 1 on a crash or unclassified change |
| \`registry rules [--write] [--json]\` | this catalogue | 0 |

## Reader and writer

A schema R *reads* data written with schema W when every instance valid under W is valid under R.

- **BACKWARD**: the *new* schema reads data written with the *old* one. Narrowing breaks it (a value the old schema
  accepted is refused now). Readers upgrade first: what clients send, read by the newer server.
- **FORWARD**: the *old* schema reads data written with the *new* one. Widening breaks it (the new schema accepts a
  value an old reader refuses). Writers upgrade first: what the server sends, read by months-old clients.
- **FULL** = both. \`_TRANSITIVE\` modes compare with every registered version since the last forced one
  (\`register --force --reason\` starts a new line of compatibility), the others with the latest only.
- **NONE**: nothing is checked.

A change is *breaking* when its kind breaks a direction the mode checks: \`ENUM_ARRAY_EXTENDED\` (breaks FORWARD) is
breaking for a FORWARD_TRANSITIVE server message and fine for a BACKWARD_TRANSITIVE client message.

## Modes

- Default per message, from its direction in the spec (\`role: server\` in registry.yaml: the spec describes the
  server, as ours does): \`send\` (server -> client) FORWARD_TRANSITIVE, \`receive\` (client -> server)
  BACKWARD_TRANSITIVE, \`both\` or unused FULL_TRANSITIVE. With \`role: client\` send/receive swap.
- Per-message override: edit \`compatibility\` of the message in \`schemas/registry.yaml\`.
- Document-level changes (channels, servers, security, handshake query/headers) are judged under
  \`document_compatibility\` (default BACKWARD_TRANSITIVE: clients write the handshake and the server, always the
  newer peer, reads it). \`registry diff --mode M\` judges every change under M.

## How schemas are compared

- Meaning, not text: \`$ref\`s are followed (cycles are guarded), key order is ignored, a schema moved into
  \`components\` and referenced is no change, \`allOf\`s that can be flattened are, \`nullable: true\` (OpenAPI) is
  \`"null"\` in \`type\`, and the types allowed by \`enum\`/\`const\` values count as the schema's types.
- Keywords of a type family (\`maxLength\`, \`minimum\`, \`properties\`, \`items\`, ...) are compared only when both
  schemas allow that type; \`string\` -> \`integer\` is one TYPE_CHANGED, not a list of removed string bounds.
- Content models: an object is *open* when \`additionalProperties\` is absent/true, *closed* when it is false, and
  *partially open* when it (or a matching \`patternProperties\`) is a schema; a property added or removed is judged
  by the model of the side that lacks it. For a partially open model the property's schema is compared with the
  model's schema and each difference is reported as its own change.
- Unions: branches of \`oneOf\`/\`anyOf\`/\`allOf\` are matched by equal schemas, equal discriminator values (a property
  pinned by \`const\`), equal titles, then the fewest differences. Constraints next to a union are distributed into its
  branches when they differ between versions (\`P ∧ oneOf(A, B)\` = \`oneOf(P∧A, P∧B)\`). A plain schema and a union
  compare as a one-branch union.
- Exclusive bounds: \`maximum\` and \`exclusiveMaximum\` (draft-04 boolean or numeric) form one effective bound.
- \`format\` is treated as an assertion (this project validates formats).
- \`false\` subschemas: a property or tuple position whose schema is \`false\`, added to or removed from a closed
  content model, changes nothing (no instance could hold it before, none can now).
- Tuples: after \`prefixItems\` (or draft-07 array \`items\`) the rest of the array is \`items\` (\`additionalItems\`),
  or, when that is absent, \`unevaluatedItems\`: a 2020-12 tuple closed with \`unevaluatedItems: false\` is closed.
- \`not\`: the schema under \`not\` is compared like any subschema and the direction flipped (it narrowed: the whole
  widened); changes inside it both ways are NOT_CHANGED.
- \`patternProperties\`: a pattern on one side only is judged by the content model the names it matches fell under
  (open, closed, partially open) and by what it adds to declared properties whose names it matches.
- Every walk is bounded: \`$ref\` chains (cycles included, used or not) end after 64 hops as an unresolved reference,
  nesting past 200 levels or work past 50,000 subschema comparisons is one SCHEMA_COMPARISON_LIMIT_REACHED.

## The instance check

For every message whose payload changed, \`registry diff\` and \`check\` test the verdict on real data: a small,
deterministic generator draws boundary instances and near misses from both schemas (bounds, lengths, tuple ends,
optional, extra and pattern-named properties, every union branch, enum/const/examples), and ajv validates each under
the old and the new schema. When the diff found no break in a direction the message's mode checks and an instance
proves one (valid under the old schema and refused by the new: BACKWARD; the other way round: FORWARD), the report
holds INSTANCE_CHECK_DISAGREES_BACKWARD / _FORWARD with that instance, breaking like any other change.

## Tolerant reader

A channel that declares \`x-netra-tolerant-reader: true\` promises that clients ignore server message types they do
not know. A server-to-client message added on channels that made that promise in the *old* document (the clients
that lag were built against it; the registry records it as \`tolerant_reader: true\` in its surface) is
MESSAGE_ADDED_TO_TOLERANT_READER, breaking nothing. Without the promise it is MESSAGE_ADDED (breaking FORWARD);
removing a message, or adding a client-to-server message, is judged as before.

## Registering

- \`registry check\` fails (exit 1) on a breaking change against the registry (or \`--against git:<ref>\` / a file), on
  a change that is compatible but not registered yet, and on a stored schema that no longer matches its fingerprint.
  \`--against\` a ref that does not hold the spec (e.g. before it was added) is not an error: nothing to compare,
  said in a note.
- \`registry register\` records a new version of every changed message, new messages, retirements and the surface
  (channels, operations, servers, security schemes); it refuses a breaking change unless \`--force --reason\`, and
  records the reason on the version (\`forced_reason\`), in \`removed.reason\` of a retired message, and in the
  \`forced\` audit list.
- A message that leaves the spec is *retired*, never deleted: its versions stay. MESSAGE_MERGED (its payloads now
  travel as another message) retires it without \`--force\`.

## Fingerprints and stored schemas

\`schemas/<message>/v<N>.json\` holds the payload schema as the loader gives it (dereferenced, \`x-parser-*\` removed,
cycles as \`$ref\` into \`$defs\`) in canonical JSON: keys sorted recursively, \`required\` and \`type\` sorted as sets,
2-space indent. Its fingerprint is \`sha256:\` + the SHA-256 of the *compact* canonical JSON. The fingerprint covers
annotations too: a documentation edit is a new, compatible version (DESCRIPTION_CHANGED, ...), so the registry always
holds exactly the schema consumers read. \`check\` also verifies each stored file against its fingerprint.

## Kinds
`;

/**
 * RULES.md: the preamble, then one table per group listing each kind, the direction it breaks and why.
 *
 * @example
 * writeFileSync('src/registry/RULES.md', renderRulesMarkdown());
 */
export function renderRulesMarkdown(): string {
  const lines: string[] = [PREAMBLE];
  const groups = new Map<KindGroup, ChangeKind[]>();
  for (const name of changeKindNames) {
    const group = changeKinds[name].group;
    groups.set(group, [...(groups.get(group) ?? []), name]);
  }
  for (const [group, names] of groups) {
    lines.push(
      `### ${GROUP_TITLES[group]}`,
      '',
      '| kind | breaks | what | why | how to stay compatible |',
      '|---|---|---|---|---|',
    );
    for (const name of names) {
      const rule = changeKinds[name];
      const cell = (text: string): string => text.replace(/\|/g, '\\|');
      lines.push(
        `| \`${name}\` | ${BREAKS_TEXT[rule.breaks]} | ${cell(rule.summary)} | ${cell(rule.why)} | ${rule.breaks === 'none' ? '' : cell(rule.remedy)} |`,
      );
    }
    lines.push('');
    for (const name of names) {
      const note = changeKinds[name].note;
      if (note !== undefined) lines.push(`**\`${name}\`**: ${note}`, '');
    }
  }
  lines.push(`${changeKindNames.length} kinds.`, '');
  return lines.join('\n');
}
