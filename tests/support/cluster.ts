// Several real `serve --redis` processes on one Redis: the cluster tier. Every node signs and verifies tokens with
// one shared Ed25519 key (serve --signing-key-file), so a token from any node's auth service opens a connection on
// any node, as behind a load balancer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { spawnServe, type ServeOptions, type ServeProcess } from './serve';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from './redis';

export interface TestCluster {
  nodes: ServeProcess[];
  prefix: string;
  redisUrl: string;
  /** Starts one more node (same Redis, prefix and key). */
  addNode(extra?: string[]): Promise<ServeProcess>;
  close(): Promise<void>;
}

export interface TestClusterOptions {
  nodes: number;
  redisUrl?: string;
  serve?: ServeOptions;
  /** Extra serve flags for every node. */
  args?: string[];
}

export async function startTestCluster(opts: TestClusterOptions): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'netra-cluster-'));
  const keyFile = path.join(dir, 'signing.jwk');
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  writeFileSync(keyFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'cluster-test', alg: 'EdDSA' }), {
    mode: 0o600,
  });
  const redisUrl = opts.redisUrl ?? SHARED_REDIS_URL;
  const prefix = uniquePrefix('serve');
  let count = 0;
  const addNode = (extra: string[] = []): Promise<ServeProcess> => {
    const index = count++;
    return spawnServe({
      ...opts.serve,
      args: [
        '--redis',
        redisUrl,
        '--redis-prefix',
        prefix,
        '--node-id',
        `node-${index}`,
        '--signing-key-file',
        keyFile,
        ...(opts.args ?? []),
        ...extra,
      ],
    });
  };
  const nodes: ServeProcess[] = [];
  for (let i = 0; i < opts.nodes; i++) nodes.push(await addNode());
  return {
    nodes,
    prefix,
    redisUrl,
    addNode: async (extra) => {
      const node = await addNode(extra);
      nodes.push(node);
      return node;
    },
    async close() {
      await Promise.all(nodes.map((n) => n.stop()));
      rmSync(dir, { recursive: true, force: true });
      await deletePrefix(redisUrl, prefix).catch(() => undefined);
    },
  };
}
