import { checkRegistry } from '../registry';
import { NetraError } from '../util/errors';
import type { PipelineContext } from './context';
import { generateAll } from './generate-all';

/**
 * Stage `generate --check`: `generated/` (code and docs) is what asyncapi.yaml generates, byte for byte.
 *
 * @example
 * await checkGenerated(ctx); // '43 generated files match asyncapi.yaml 1.0.0'
 */
export async function checkGenerated(ctx: PipelineContext): Promise<string> {
  const r = await generateAll({ spec: ctx.opts.spec, out: 'generated', check: true });
  return `${r.codegen.files.length + r.docsFiles} generated files match ${ctx.opts.spec} ${r.codegen.spec.version}`;
}

/**
 * Stage `registry check`: no unregistered or incompatible change of any message.
 *
 * @example
 * await checkSchemaRegistry(ctx); // '12 messages registered, no incompatible change'
 */
export async function checkSchemaRegistry(ctx: PipelineContext): Promise<string> {
  const r = await checkRegistry({ spec: ctx.opts.spec, registryDir: 'schemas' });
  if (!r.ok) {
    const why = r.changes.filter((c) => c.breaking).map((c) => `${c.kind} at ${c.message ?? ''}${c.path}`);
    why.push(...r.drift.map((d) => `unregistered: ${d.detail}`), ...r.integrity);
    throw new NetraError('REGISTRY_CHECK_FAILED', why.slice(0, 3).join('; ') || 'registry check failed');
  }
  return `${Object.keys(r.messages).length} messages registered, no incompatible change`;
}
