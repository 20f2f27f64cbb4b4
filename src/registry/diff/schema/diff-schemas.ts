// The one exported operation of the schema diff.
import type { SchemaChange } from './context';
import { RegistryError } from '../../errors';
import { DiffSession, SchemaDiffer } from './differ';
import { SchemaReader } from './reader';

export interface DiffSchemasOptions {
  /** Root the old schema's `$ref`s resolve against (default: the old schema itself). */
  oldRoot?: unknown;
  /** Root the new schema's `$ref`s resolve against (default: the new schema itself). */
  newRoot?: unknown;
  /** Pointer prefix for every reported path (default ''). */
  path?: string;
  /** Work limit: subschema comparisons, trials included (default MAX_COMPARISONS). */
  maxComparisons?: number;
}

/**
 * Compares two JSON Schemas and names every difference. Pure; never throws on any JSON input; terminates on cyclic
 * schemas and cyclic references, and within a fixed amount of work (past it, the rest of the comparison is one
 * SCHEMA_COMPARISON_LIMIT_REACHED, assumed breaking both ways).
 *
 * @example
 * diffSchemas(
 *   { type: 'object', properties: { status: { enum: ['ok', 'failed'] } } },
 *   { type: 'object', properties: { status: { enum: ['ok', 'failed', 'partial'] } } },
 * );
 * // [{ kind: 'ENUM_ARRAY_EXTENDED', path: '/properties/status/enum', detail: 'added "partial"' }]
 */
export function diffSchemas(oldSchema: unknown, newSchema: unknown, options: DiffSchemasOptions = {}): SchemaChange[] {
  const differ = new SchemaDiffer(
    new SchemaReader(options.oldRoot ?? oldSchema),
    new SchemaReader(options.newRoot ?? newSchema),
    new DiffSession(options.maxComparisons),
  );
  const path = options.path ?? '';
  try {
    differ.compare(oldSchema, newSchema, path);
  } catch (err) {
    if (err instanceof RegistryError) {
      // A work limit, or a schema too deep, too large or cyclic for the canonical form: named and conservative.
      differ.emit('SCHEMA_COMPARISON_LIMIT_REACHED', path, `${err.message}; the rest was not compared`);
    } else {
      // Last resort for malformed input nobody foresaw: a named, conservative change instead of a crash.
      const reason = err instanceof Error ? err.message : String(err);
      differ.emit(
        'SCHEMA_KEYWORD_CHANGED',
        path,
        `internal: the schemas could not be compared (${reason}); assumed breaking both ways`,
      );
    }
  }
  return differ.changes;
}
