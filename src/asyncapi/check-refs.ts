import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpecError, type SpecDiagnostic } from './errors';
import { isInsideFolder } from './inside-folder';
import type { SpecLimits } from './limits';
import { readDocumentText } from './read-text';
import { followRef, isRef, type RefDocuments } from './refs';
import { readYamlGuarded, type GuardedYaml } from './yaml-guard';

// Every `$ref` of a document and of the files it reaches, checked before the AsyncAPI parser resolves them (its
// resolver loops forever on a `$ref` that leads back to itself, used or not, and reads any file it is told to).

/** A document read for the check: its absolute path, how diagnostics name it, and its data. */
export interface CheckedFile {
  file: string;
  shownAs: string;
  yaml: GuardedYaml;
}

export interface ReferenceCheckOptions {
  /** The folder relative `$ref`s may not leave (the root document's). */
  rootDir: string;
  allowRefOutside: boolean;
  limits: SpecLimits;
}

interface RefSite {
  file: string;
  path: (string | number)[];
  ref: string;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Every `$ref` string in `data`, with the path of the object holding it; shared (aliased) nodes once, no recursion. */
function refSites(file: string, data: unknown): RefSite[] {
  const sites: RefSite[] = [];
  const seen = new Set<object>();
  type Entry = { node: unknown; parent: Entry | undefined; key: string | number };
  const pathOf = (entry: Entry): (string | number)[] => {
    const out: (string | number)[] = [];
    for (let e: Entry | undefined = entry; e?.parent !== undefined; e = e.parent) out.push(e.key);
    return out.reverse();
  };
  const stack: Entry[] = [{ node: data, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const entry = stack.pop() as Entry;
    const { node } = entry;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (isRef(node)) sites.push({ file, path: pathOf(entry), ref: node.$ref });
    const children: [string | number, unknown][] = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : Object.entries(node);
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ node: children[i][1], parent: entry, key: children[i][0] });
    }
  }
  return sites;
}

function realpathOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/** The file a `$ref`'s file part names, or undefined for a remote or non-file reference. */
function fileOfRef(fromFile: string, filePart: string): string | undefined {
  const scheme = SCHEME.exec(filePart)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    try {
      return fileURLToPath(filePart);
    } catch {
      return undefined;
    }
  }
  if (scheme !== undefined) return undefined; // http(s) and the like: the parser's resolvers refuse them
  let decoded = filePart;
  try {
    decoded = decodeURI(filePart);
  } catch {
    // keep it as written
  }
  return path.resolve(path.dirname(fromFile), decoded);
}

class ReferenceCheck implements RefDocuments {
  private readonly files = new Map<string, CheckedFile | null>();
  private readonly queue: CheckedFile[] = [];
  private readonly rootReal: string;

  constructor(
    root: CheckedFile,
    private readonly options: ReferenceCheckOptions,
  ) {
    this.rootReal = realpathOr(options.rootDir);
    this.files.set(root.file, root);
    this.queue.push(root);
  }

  data(file: string): unknown {
    return this.files.get(file)?.yaml.data;
  }

  open(fromFile: string, filePart: string): string | undefined {
    const file = fileOfRef(fromFile, filePart);
    return file !== undefined && this.files.get(file) ? file : undefined;
  }

  private shown(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative === '' ? file : relative;
  }

  private diagnostic(site: RefSite, code: string, message: string): SpecDiagnostic {
    const at = this.files.get(site.file) as CheckedFile;
    return { file: at.shownAs, ...at.yaml.positionOf([...site.path, '$ref']), code, message };
  }

  /** Loads the file a site names (refusing one outside the root folder); null when the parser should report it. */
  private reach(site: RefSite, file: string): void {
    if (!this.options.allowRefOutside && !isInsideFolder(this.rootReal, realpathOr(file))) {
      throw SpecError.of('SPEC_REF_OUTSIDE', [
        this.diagnostic(
          site,
          'ref-outside',
          `$ref '${site.ref}' leads outside ${this.shown(this.options.rootDir) || '.'} (the folder $refs may use) to ${this.shown(file)}; pass --allow-ref-outside to allow it`,
        ),
      ]);
    }
    if (this.files.has(file)) return;
    if (this.files.size >= this.options.limits.maxFiles) {
      throw SpecError.of('SPEC_TOO_COMPLEX', [
        this.diagnostic(site, 'too-many-files', `$refs reach more than ${this.options.limits.maxFiles} files`),
      ]);
    }
    const shownAs = this.shown(file);
    let text: string;
    try {
      text = readDocumentText(file, shownAs, this.options.limits);
    } catch (err) {
      if (err instanceof SpecError && err.code === 'SPEC_UNREADABLE') {
        this.files.set(file, null); // a missing file: the parser says where it is referenced
        return;
      }
      throw err;
    }
    const yaml = readYamlGuarded(text, shownAs, this.options.limits);
    const loaded = yaml === undefined ? null : { file, shownAs, yaml };
    this.files.set(file, loaded);
    if (loaded !== null) this.queue.push(loaded);
  }

  run(): void {
    const sites: RefSite[] = [];
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      for (const site of refSites(next.file, next.yaml.data)) {
        sites.push(site);
        const hash = site.ref.indexOf('#');
        const filePart = hash < 0 ? site.ref : site.ref.slice(0, hash);
        const file = filePart === '' ? undefined : fileOfRef(site.file, filePart);
        if (file !== undefined) this.reach(site, file);
      }
    }
    for (const site of sites) {
      const resolution = followRef(this, site.file, site.ref);
      if (!resolution.ok && resolution.reason === 'cycle') {
        const hops = resolution.chain.map((hop) => this.hopText(site.file, hop)).join(' -> ');
        throw SpecError.of('SPEC_REF_CYCLE', [
          this.diagnostic(site, 'ref-cycle', `$ref '${site.ref}' leads back to itself through $refs only: ${hops}`),
        ]);
      }
    }
  }

  private hopText(siteFile: string, hop: string): string {
    const hash = hop.indexOf('#');
    const file = hop.slice(0, hash);
    return file === siteFile ? hop.slice(hash) : `${this.shown(file)}${hop.slice(hash)}`;
  }
}

/**
 * Checks every `$ref` of `root` and of the files they reach: a relative reference may not leave `rootDir` (unless
 * `allowRefOutside`), every file reached is read under the same limits as the root, and no reference may lead back
 * to itself through `$ref`s only (the AsyncAPI parser would loop forever on it, even when nothing uses it).
 *
 * @throws SpecError `SPEC_REF_OUTSIDE`, `SPEC_REF_CYCLE`, `SPEC_TOO_COMPLEX`, `SPEC_TOO_LARGE`, `SPEC_NOT_TEXT`.
 * @example
 * checkReferences({ file: '/repo/asyncapi.yaml', shownAs: 'asyncapi.yaml', yaml }, { rootDir: '/repo',
 *   allowRefOutside: false, limits: DEFAULT_SPEC_LIMITS });
 */
export function checkReferences(root: CheckedFile, options: ReferenceCheckOptions): void {
  new ReferenceCheck(root, options).run();
}
