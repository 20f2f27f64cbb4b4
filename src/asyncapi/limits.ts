// The documented limits on a document, so that no input can hang a command or exhaust its memory. Each one is
// checked before the AsyncAPI parser sees the document (size, text, aliases, nesting, references), and the parse
// itself runs in a worker process that is stopped at the time and memory limits.

/** Limits on one document (and the files its `$ref`s name). */
export interface SpecLimits {
  /** Largest document (and largest referenced file) in bytes; a larger file is refused before it is read. */
  maxBytes: number;
  /** YAML aliases: the `yaml` package's `maxAliasCount` (alias expansions counted with the nodes they copy). */
  maxAliases: number;
  /** Deepest nesting of mappings and sequences. */
  maxDepth: number;
  /** Most files a document may reach through relative `$ref`s (the root included). */
  maxFiles: number;
  /** Longest a parse may take, in milliseconds. */
  timeoutMs: number;
  /** Most heap the parse may use, in MB (the worker's old generation). */
  maxMemoryMb: number;
}

/**
 * The defaults: far above any real document (the largest of the shared corpus is 234 KB, this project's 45 KB), far
 * below what would hang a CI job. A document at the size limit parses in about 10 s of CPU on a CI core, so even a
 * command that reads two (`registry diff`) ends within a minute on a loaded machine: with a result, or refused.
 */
export const DEFAULT_SPEC_LIMITS: Readonly<SpecLimits> = Object.freeze({
  maxBytes: 4 * 1024 * 1024,
  maxAliases: 1000,
  maxDepth: 256,
  maxFiles: 256,
  timeoutMs: 25_000,
  maxMemoryMb: 1536,
});

/** Options of `loadSpec` / `loadSpecFromString`. */
export interface LoadOptions {
  /** Resolve relative `$ref`s to files outside `refRoot` (monorepos). Default false. */
  allowRefOutside?: boolean;
  /** The folder relative `$ref`s may not leave. Default: the root document's folder. */
  refRoot?: string;
  /** Overrides of the limits. */
  limits?: Partial<SpecLimits>;
}

let defaults: LoadOptions = {};

/**
 * Sets the options every load of this process starts from (a command's `--allow-ref-outside`, for the capabilities
 * it calls); the options of a call win over them.
 *
 * @example
 * configureSpecLoading({ allowRefOutside: opts.allowRefOutside });
 */
export function configureSpecLoading(options: LoadOptions): void {
  defaults = { ...options };
}

/** The options in force for a call: the process defaults, then the call's own. */
export function effectiveOptions(options: LoadOptions = {}): LoadOptions {
  return { ...defaults, ...options, limits: { ...defaults.limits, ...options.limits } };
}

/** The limits in force for `options`. */
export function limitsOf(options: LoadOptions = {}): SpecLimits {
  return { ...DEFAULT_SPEC_LIMITS, ...options.limits };
}

/**
 * A size in words, for messages.
 *
 * @example
 * formatBytes(52_428_800); // '50.0 MB'
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
