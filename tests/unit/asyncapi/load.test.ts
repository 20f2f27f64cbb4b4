import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSpec, loadSpecFromString, SpecError, toFiniteSchema } from '../../../src/asyncapi';

// The first load starts the loader's worker process and builds the AsyncAPI parser: seconds on a loaded machine.
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..', '..');

function v3(body: string): string {
  return `asyncapi: 3.0.0\ninfo:\n  title: Test\n  version: 1.2.3\n${body}`;
}

async function specError(promise: Promise<unknown>): Promise<SpecError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SpecError) return err;
    throw err;
  }
  throw new Error('expected a SpecError');
}

describe('loadSpec on the project contract', () => {
  let spec: Awaited<ReturnType<typeof loadSpec>>;
  beforeAll(async () => {
    spec = await loadSpec(path.join(ROOT, 'asyncapi.yaml'));
  });

  it('reads title, version, id and the 12 messages in document order with their directions', () => {
    expect(spec.asyncapiVersion).toBe('3.1.0');
    expect(`${spec.title}@${spec.version}`).toBe('Netra Agent WebSocket@1.0.0');
    expect(spec.id).toBe('urn:netra:agent-websocket');
    expect(spec.messages.map((m) => `${m.name}:${m.type}:${m.direction}`)).toEqual([
      'start_agent:start_agent:receive',
      'resume:resume:receive',
      'cancel_run:cancel_run:receive',
      'auth_refresh:auth_refresh:receive',
      'connection_established:connection_established:send',
      'agent_started:agent_started:send',
      'agent_thinking:agent_thinking:send',
      'tool_executing:tool_executing:send',
      'tool_completed:tool_completed:send',
      'agent_completed:agent_completed:send',
      'agent_error:agent_error:send',
      'error_message:error_message:send',
    ]);
  });

  it('exposes channels with their extensions, operations, servers and security schemes', () => {
    expect(spec.channels).toHaveLength(1);
    expect(spec.channels[0]).toMatchObject({ id: 'agentSocket', address: '/ws' });
    expect(spec.channels[0].extensions['x-netra-limits']).toMatchObject({
      max_client_frame_bytes: 65536,
      max_json_depth: 32,
    });
    expect(spec.channels[0].messages).toHaveLength(12);
    expect(spec.operations.find((o) => o.id === 'sendRunEvents')).toMatchObject({
      action: 'send',
      channel: 'agentSocket',
    });
    expect(spec.servers).toEqual([
      {
        id: 'local',
        host: 'localhost:8000',
        protocol: 'ws',
        pathname: '/ws',
        security: ['bearerHeader', 'jwtSubprotocol'],
      },
    ]);
    expect(spec.securitySchemes.map((s) => `${s.id}:${s.type}`)).toEqual([
      'bearerHeader:http',
      'jwtSubprotocol:httpApiKey',
    ]);
  });

  it('strips every x-parser-* key and gives finite JSON, payloads fully dereferenced', () => {
    const text = JSON.stringify(spec);
    expect(text).not.toContain('x-parser-');
    expect(text).not.toContain('"$ref"'); // the contract has no cycles: nothing is left as a reference
    const startAgent = spec.messages[0].payload as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(startAgent.properties.context.properties).toHaveProperty('workload');
    expect(spec.messages[0].examples.map((e) => e.name)).toEqual(['with_workload', 'minimal']);
  });
});

describe('loadSpecFromString diagnostics', () => {
  it('reports an invalid $ref as file:line:col  code  message, exit code 2', async () => {
    const text = v3(`channels:
  a:
    address: /a
    messages:
      m:
        $ref: '#/components/messages/missing'
`);
    const err = await specError(loadSpecFromString(text, 'broken.yaml'));
    expect(err.code).toBe('SPEC_INVALID');
    expect(err.exitCode).toBe(2);
    const ref = err.diagnostics.find((d) => d.code === 'invalid-ref');
    expect(ref).toMatchObject({ file: 'broken.yaml', line: 10, col: 15 });
    expect(err.message.split('\n')).toContain(`broken.yaml:10:15  invalid-ref  ${ref?.message}`);
  });

  it('reports YAML that is not an AsyncAPI document', async () => {
    const err = await specError(loadSpecFromString('info: [unclosed\n', 'junk.yaml'));
    expect(err.code).toBe('SPEC_INVALID');
    expect(err.diagnostics.length).toBeGreaterThan(0);
    for (const line of err.message.split('\n')) expect(line).toMatch(/^junk\.yaml:\d+:\d+ {2}\S+ {2}.+/);
  });

  it('says SPEC_UNREADABLE for a file that cannot be read', async () => {
    const err = await specError(loadSpec(path.join(os.tmpdir(), 'netra-no-such-file.yaml')));
    expect(err.code).toBe('SPEC_UNREADABLE');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/netra-no-such-file\.yaml:1:1 {2}unreadable {2}cannot read the document \(ENOENT\)/);
  });

  it('refuses a remote $ref without fetching it, pointing at the line that holds it', async () => {
    const text = v3(`components:
  schemas:
    Remote:
      $ref: 'https://example.invalid/schema.json'
`);
    const err = await specError(loadSpecFromString(text, 'remote.yaml'));
    expect(err.diagnostics[0]).toMatchObject({ file: 'remote.yaml', line: 8, code: 'remote-ref' });
    expect(err.diagnostics[0].message).toContain('https://example.invalid/schema.json');
  });
});

describe('schemas with cycles', () => {
  const tree = v3(`channels:
  trees:
    address: /trees
    messages:
      tree:
        $ref: '#/components/messages/tree'
operations:
  sendTree:
    action: send
    channel:
      $ref: '#/channels/trees'
components:
  messages:
    tree:
      payload:
        $ref: '#/components/schemas/Node'
  schemas:
    Node:
      type: object
      title: Node
      properties:
        value: { type: integer }
        owner: { $ref: '#/components/schemas/Person' }
        children:
          type: array
          items: { $ref: '#/components/schemas/Node' }
    Person:
      type: object
      properties:
        name: { type: string }
        friend: { $ref: '#/components/schemas/Person' }
`);

  it('turns a recursive payload into finite JSON with $ref into $defs (the root as #)', async () => {
    const spec = await loadSpecFromString(tree, 'tree.yaml');
    const payload = spec.messages[0].payload as Record<string, any>;
    expect(() => JSON.stringify(spec)).not.toThrow();
    expect(payload.properties.children.items).toEqual({ $ref: '#' });
    expect(payload.properties.owner).toEqual({ $ref: '#/$defs/Person' });
    expect(payload.$defs.Person.properties.friend).toEqual({ $ref: '#/$defs/Person' });
    expect(JSON.stringify(spec.raw)).not.toContain('x-parser-');
  });

  it('toFiniteSchema keeps property names that look like keywords and drops only keyword-position x-parser keys', () => {
    const node: Record<string, any> = {
      type: 'object',
      'x-parser-schema-id': 'N',
      properties: { $id: { type: 'string' } },
    };
    node.properties.self = node;
    expect(toFiniteSchema(node)).toEqual({
      type: 'object',
      properties: { $id: { type: 'string' }, self: { $ref: '#' } },
    });
  });
});

describe('AsyncAPI 2.6 and names', () => {
  it('maps publish to receive and subscribe to send, as the parser intents do', async () => {
    const text = `asyncapi: 2.6.0
info: { title: Old, version: 0.1.0 }
channels:
  up:
    publish:
      message:
        messageId: upload
        payload: { type: object, properties: { type: { const: upload } } }
    subscribe:
      message:
        messageId: ack
        payload: { type: object, properties: { type: { const: ack } } }
`;
    const spec = await loadSpecFromString(text, 'old.yaml');
    expect(spec.asyncapiVersion).toBe('2.6.0');
    expect(spec.messages.map((m) => `${m.name}:${m.type}:${m.direction}`)).toEqual([
      'upload:upload:receive',
      'ack:ack:send',
    ]);
  });

  it('names messages from their id, else their name, unique and safe as file names', async () => {
    const text = `asyncapi: 2.6.0
info: { title: Names, version: 0.1.0 }
channels:
  a:
    subscribe:
      message:
        name: 'status / update'
        payload: { type: string }
  b:
    subscribe:
      message:
        name: 'status / update'
        payload: { type: integer }
`;
    const spec = await loadSpecFromString(text, 'names.yaml');
    const names = spec.messages.map((m) => m.name);
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(names[0]).toMatch(/status_update/);
  });

  it('resolves relative $refs across files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'netra-spec-'));
    try {
      await mkdir(path.join(dir, 'common'));
      await writeFile(
        path.join(dir, 'common', 'messages.yaml'),
        'ping:\n  payload:\n    type: object\n    properties:\n      type: { type: string, const: ping }\n',
      );
      await writeFile(
        path.join(dir, 'asyncapi.yaml'),
        v3(`channels:
  p:
    address: /p
    messages:
      ping:
        $ref: './common/messages.yaml#/ping'
`),
      );
      const spec = await loadSpec(path.join(dir, 'asyncapi.yaml'));
      expect(spec.messages.map((m) => m.type)).toEqual(['ping']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
