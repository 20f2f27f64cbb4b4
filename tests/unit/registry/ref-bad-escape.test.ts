// The diff's schema reader treats a `$ref` with a malformed %-escape as unresolved, never as an exception.
import { diffSchemas } from '../../../src/registry/diff';

it('diffs schemas holding a $ref with a malformed %-escape without throwing', () => {
  const old = { properties: { a: { $ref: '#/$defs/x%' } }, $defs: { x: { type: 'string' } } };
  const same = diffSchemas(old, structuredClone(old));
  expect(same).toEqual([]);
  const changed = { properties: { a: { $ref: '#/$defs/x' } }, $defs: { x: { type: 'string' } } };
  expect(() => diffSchemas(old, changed)).not.toThrow();
});
