// A scenario can name the node each connection goes to (a target with several URLs, e.g. the nodes of a cluster):
// `node: N` picks the target's N-th URL (modulo their number). Here the second "node" is a chaos proxy in front of
// the same reference provider, which counts the connections it carried.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFaultProxy } from '../../../../src/chaos';
import { parseSessionText } from '../../../../src/sessions';
import { recordScenario } from '../../../../src/verify/record';
import { parseScenario } from '../../../../src/verify/scenarios';
import { startReference } from '../support/providers';

const SCENARIO = `name: nodes
description: one user, a tab on each node of the cluster
users: { nia: {} }
connections:
  nia-1: { user: nia }
  nia-2: { user: nia, node: 1 }
  nia-3: { user: nia, node: 2 }
steps:
  - connect: nia-1
  - connect: nia-2
  - connect: nia-3
  - send: { conn: nia-1, msg: { type: start_agent, request_id: q, user_request: Save money. } }
  - wait_for: { conn: nia-2, type: terminal, run: q }
  - wait_for: { conn: nia-3, type: terminal, run: q }
`;

describe('connections choose a node of the target', () => {
  it('node 1 goes to the second URL, node 2 wraps around to the first; every tab gets the run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'netra-nodes-'));
    const reference = await startReference();
    const upstream = new URL(reference.target.url);
    const proxy = await startFaultProxy({ upstreamHost: upstream.hostname, upstreamPort: Number(upstream.port) });
    try {
      const target = { ...reference.target, urls: [reference.target.url, proxy.url('ws', upstream.pathname)] };
      const out = path.join(dir, 'nodes.session.jsonl');
      await recordScenario(parseScenario(SCENARIO), target, out);
      expect(proxy.stats().connections).toBe(1);
      const session = parseSessionText(readFileSync(out, 'utf8'));
      const terminals = session.records.filter(
        (r) => r.kind === 'frame' && (r.msg as { type?: string })?.type === 'agent_completed',
      );
      expect(terminals.map((r) => r.conn).sort()).toEqual(['nia-1', 'nia-2', 'nia-3']);
    } finally {
      await proxy.close();
      await reference.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
