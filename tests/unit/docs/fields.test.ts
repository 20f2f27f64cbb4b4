import { deriveFields, type FieldRow } from '../../../src/docs';

function byPath(rows: FieldRow[]): Map<string, FieldRow> {
  return new Map(rows.filter((r) => r.kind === 'field').map((r) => [r.path, r]));
}

function keys(row: FieldRow | undefined): string[] {
  return (row?.constraints ?? []).map((c) => (c.value === undefined ? c.key : `${c.key} ${c.value}`));
}

const usd = { type: 'number', minimum: 0, maximum: 1e12, description: 'US dollars.' };

describe('deriveFields', () => {
  it('lists nested fields with dotted paths, [] for array items, types, required and constraints', () => {
    const table = deriveFields({
      type: 'object',
      title: 'AgentCompleted',
      required: ['type', 'result'],
      properties: {
        type: { type: 'string', const: 'agent_completed', description: 'Message type.' },
        timestamp: { type: 'string', format: 'date-time', pattern: '^\\d{4}' },
        status: { type: 'string', enum: ['success', 'partial'] },
        result: {
          type: 'object',
          title: 'RunResult',
          required: ['recommendations'],
          properties: {
            recommendations: {
              type: 'array',
              maxItems: 50,
              items: {
                type: 'object',
                title: 'Recommendation',
                additionalProperties: false,
                required: ['estimated_monthly_savings_usd'],
                properties: { estimated_monthly_savings_usd: usd, model: { type: 'string', maxLength: 64 } },
              },
            },
          },
        },
      },
    });
    expect(table.type).toBe('object (AgentCompleted)');
    expect(table.rows.map((r) => `${'  '.repeat(r.depth)}${r.path}`)).toEqual([
      'type',
      'timestamp',
      'status',
      'result',
      '  result.recommendations',
      '    result.recommendations[].estimated_monthly_savings_usd',
      '    result.recommendations[].model',
    ]);
    const rows = byPath(table.rows);
    expect(rows.get('type')).toMatchObject({ type: '"agent_completed"', required: true, description: 'Message type.' });
    expect(rows.get('timestamp')).toMatchObject({ type: 'string (date-time)', required: false });
    expect(keys(rows.get('timestamp'))).toEqual(['pattern ^\\d{4}']);
    expect(rows.get('status')?.type).toBe('"success" | "partial"');
    // A const or short enum spelled out in the type is not repeated as a constraint.
    expect(rows.get('type')?.constraints).toEqual([]);
    expect(rows.get('status')?.constraints).toEqual([]);
    expect(rows.get('result')?.type).toBe('object (RunResult)');
    expect(keys(rows.get('result'))).toContain('open (other fields allowed)');
    expect(rows.get('result.recommendations')).toMatchObject({ type: 'array of Recommendation', required: true });
    expect(keys(rows.get('result.recommendations'))).toEqual(['maxItems 50', 'items closed (no other fields)']);
    const savings = rows.get('result.recommendations[].estimated_monthly_savings_usd');
    expect(savings).toMatchObject({ name: 'estimated_monthly_savings_usd', type: 'number', required: true });
    expect(keys(savings)).toEqual(['minimum 0', 'maximum 1000000000000']);
    expect(rows.get('result.recommendations[].model')?.required).toBe(false);
  });

  it('reports closed and open objects, and the payload’s own content model', () => {
    const closed = deriveFields({ type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } });
    expect(closed.constraints.map((c) => c.key)).toEqual(['closed (no other fields)']);
    const open = deriveFields({ type: 'object', properties: { a: { type: 'string' } } });
    expect(open.constraints.map((c) => c.key)).toEqual(['open (other fields allowed)']);
  });

  it('follows $refs into $defs and stops at recursion with a note', () => {
    const table = deriveFields({
      type: 'object',
      properties: { tree: { $ref: '#/$defs/Node' } },
      $defs: {
        Node: {
          type: 'object',
          title: 'Node',
          properties: {
            name: { type: 'string', minLength: 1 },
            children: { type: 'array', items: { $ref: '#/$defs/Node' } },
          },
        },
      },
    });
    expect(table.rows.map((r) => r.path)).toEqual(['tree', 'tree.name', 'tree.children']);
    const rows = byPath(table.rows);
    expect(rows.get('tree')?.type).toBe('object (Node)');
    expect(rows.get('tree.children')?.type).toBe('array of Node');
    expect(rows.get('tree.children')?.note).toMatch(/recursive: items have the same shape as `tree`/);
  });

  it('stops a property that refers back to the payload itself', () => {
    const table = deriveFields({
      type: 'object',
      title: 'Self',
      properties: { parent: { $ref: '#' }, id: { type: 'integer' } },
    });
    expect(table.rows.map((r) => r.path)).toEqual(['parent', 'id']);
    expect(table.rows[0].note).toMatch(/recursive: same shape as the payload/);
  });

  it('merges allOf into one shape', () => {
    const table = deriveFields({
      allOf: [{ type: 'object', required: ['a'], properties: { a: { type: 'string' } } }, { $ref: '#/$defs/B' }],
      $defs: { B: { type: 'object', required: ['b'], properties: { b: { type: 'integer', minimum: 1 } } } },
    });
    expect(table.rows.map((r) => `${r.path}${r.required ? '*' : ''}`)).toEqual(['a*', 'b*']);
  });

  it('lists oneOf/anyOf options as variant rows with their own fields', () => {
    const table = deriveFields({
      oneOf: [
        { type: 'object', title: 'Ping', properties: { ping: { type: 'integer' } } },
        { type: 'object', title: 'Pong', properties: { pong: { type: 'string' } } },
      ],
    });
    expect(table.rows.map((r) => `${r.kind}:${r.kind === 'variant' ? r.name : r.path}:${r.depth}`)).toEqual([
      'variant:one of · option 1 of 2: Ping:0',
      'field:ping:1',
      'variant:one of · option 2 of 2: Pong:0',
      'field:pong:1',
    ]);
    const nested = deriveFields({
      type: 'object',
      properties: { v: { anyOf: [{ type: 'string' }, { type: 'null' }] } },
    });
    expect(nested.rows.map((r) => `${r.kind}:${r.type}`)).toEqual([
      'field:any of 2 options',
      'variant:string',
      'variant:null',
    ]);
  });

  it('describes a scalar payload and array-of-array items', () => {
    expect(deriveFields({ type: 'string', maxLength: 3 }).rows).toEqual([
      expect.objectContaining({ path: '(payload)', type: 'string', constraints: [{ key: 'maxLength', value: '3' }] }),
    ]);
    const grid = deriveFields({
      type: 'object',
      properties: {
        grid: {
          type: 'array',
          items: { type: 'array', items: { type: 'object', properties: { v: { type: 'number' } } } },
        },
      },
    });
    expect(grid.rows.map((r) => r.path)).toEqual(['grid', 'grid[]', 'grid[][].v']);
  });

  it('caps depth and row count on huge schemas instead of failing', () => {
    let schema: Record<string, unknown> = { type: 'object', properties: { leaf: { type: 'string' } } };
    for (let i = 0; i < 30; i++) schema = { type: 'object', properties: { [`n${i}`]: schema } };
    const deep = deriveFields(schema, { maxDepth: 4 });
    expect(Math.max(...deep.rows.map((r) => r.depth))).toBe(4);
    expect(deep.rows[deep.rows.length - 1].note).toMatch(/deeper fields not shown/);

    const wide = {
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, { type: 'string' }])),
    };
    const capped = deriveFields(wide, { maxRows: 10 });
    expect(capped.rows).toHaveLength(10);
    expect(capped.omittedRows).toBe(40);
  });

  it('shortens long enums', () => {
    const table = deriveFields(
      { type: 'object', properties: { c: { enum: Array.from({ length: 30 }, (_, i) => `v${i}`) } } },
      { maxEnumValues: 3 },
    );
    expect(keys(table.rows[0])).toEqual(['enum "v0", "v1", "v2", … (+27 more)']);
    expect(table.rows[0].type).toBe('string');
  });

  it('reports a $ref it cannot resolve instead of guessing', () => {
    const table = deriveFields({ type: 'object', properties: { x: { $ref: 'other.yaml#/X' } } });
    expect(table.rows[0].type).toBe('unresolved other.yaml#/X');
  });

  it('ends on a $ref -> $ref cycle, showing it as unresolved', () => {
    const table = deriveFields({
      type: 'object',
      properties: { x: { $ref: '#/$defs/a' } },
      $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } },
    });
    expect(table.rows[0].type).toBe('unresolved #/$defs/a (a $ref cycle)');
  });

  it('follows a $ref whose pointer passes through another $ref', () => {
    const table = deriveFields({
      type: 'object',
      properties: { x: { $ref: '#/$defs/alias/properties/id' } },
      $defs: { alias: { $ref: '#/$defs/real' }, real: { type: 'object', properties: { id: { type: 'integer' } } } },
    });
    expect(table.rows[0].type).toBe('integer');
  });
});
