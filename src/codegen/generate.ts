import type { Spec, SpecMessage } from '../asyncapi';
import { clientModule } from './client';
import { CodegenError } from './errors';
import { refCycleOf } from './schema-walk';
import { contractOf } from './contract';
import { messageSchema } from './message-schema';
import { runtimeModule } from './runtime-module';
import { typesModule } from './types-module';
import { validatorIndexDts, validatorIndexJs, validatorModule } from './validators';

/** Everything `generate` writes, by path relative to the output folder (always `/`-separated), in a fixed order. */
export interface GeneratedOutput {
  files: Map<string, string>;
  /** Things worth a look that did not stop generation (unknown keywords or formats in the document's schemas). */
  warnings: string[];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Generates every output for a loaded spec, in memory: `contract.json`, `schemas/<message>.json`, `types.ts`,
 * `validators/<message>.js`, `validators/runtime.js`, `validators/index.js`, `validators/index.d.ts`, and `client.ts`
 * (the typed consumer SDK) when the spec has the run protocol's messages.
 * Same spec in, same bytes out.
 *
 * @example
 * const { files } = await generateFiles(await loadSpec('asyncapi.yaml'));
 * files.get('contract.json'); // '{\n  "title": "Netra Agent WebSocket", ...'
 */
export async function generateFiles(spec: Spec): Promise<GeneratedOutput> {
  for (const message of spec.messages) {
    const cycle = refCycleOf(message.payload);
    if (cycle !== undefined) {
      throw new CodegenError(
        'CODEGEN_SCHEMA_INVALID',
        `${spec.file}: the payload schema of message '${message.name}': $ref '${cycle.ref}' leads back to itself through $refs only: ${cycle.chain.join(' -> ')}`,
      );
    }
  }
  const warnings: string[] = [];
  const files = new Map<string, string>();
  // index.js and runtime.js are ours; a message with one of those names gets a suffixed file.
  const fileOf = (m: SpecMessage): string =>
    /^(index|runtime)$/i.test(m.name) ? `${m.name}_message.js` : `${m.name}.js`;
  files.set('contract.json', json(contractOf(spec)));
  const schemas = spec.messages.map((m) => messageSchema(spec, m));
  spec.messages.forEach((m, i) => files.set(`schemas/${m.name}.json`, json(schemas[i])));
  files.set('types.ts', await typesModule(spec));
  const seen = new Set<string>();
  spec.messages.forEach((m, i) =>
    files.set(
      `validators/${fileOf(m)}`,
      validatorModule(spec, m, schemas[i], (w) => {
        if (!seen.has(w)) warnings.push(w);
        seen.add(w);
      }),
    ),
  );
  files.set('validators/runtime.js', runtimeModule(spec));
  files.set('validators/index.js', validatorIndexJs(spec, fileOf));
  files.set('validators/index.d.ts', validatorIndexDts(spec));
  const client = clientModule(spec);
  if (client !== undefined) files.set('client.ts', client);
  return { files, warnings };
}
