import * as path from 'node:path';
import { generateDocs, writeDocs } from '../docs';
import type { PipelineContext } from './context';
import { COMMITTED_SESSIONS_DIR } from './live-stages';

/**
 * Stage `docs`: the offline docs site from the spec, the rules, the registry and the committed sessions.
 *
 * @example
 * await buildDocs(ctx); // 'reports/pipeline/docs/index.html (13 files, 190.8 KB, 700 ms)'
 */
export async function buildDocs(ctx: PipelineContext): Promise<string> {
  const started = Date.now();
  const site = await generateDocs({
    specFile: ctx.opts.spec,
    sessionsDir: COMMITTED_SESSIONS_DIR,
    rulesDir: 'contracts',
    registryDir: 'schemas',
  });
  const dir = path.join(ctx.opts.out, 'docs');
  await writeDocs(dir, site.files);
  const size = `${site.files.size} files, ${(site.bytes / 1024).toFixed(1)} KB, ${Date.now() - started} ms`;
  return `${path.join(dir, 'index.html')} (${size})`;
}
