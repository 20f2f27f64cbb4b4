import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { buildStartAgent, loadMix, Random, userWorkload } from '../../../../src/verify/load';

const repo = path.resolve(__dirname, '../../../..');

/** Every model the spec's own start_agent examples name (asyncapi.yaml). */
function specExampleModels(): Set<string> {
  const doc = YAML.parse(readFileSync(path.join(repo, 'asyncapi.yaml'), 'utf8'));
  const models = new Set<string>();
  for (const example of doc.components.messages.start_agent.examples ?? [])
    for (const entry of example.payload?.context?.workload ?? []) models.add(entry.model);
  return models;
}

test("the repository's mixes name only models of the spec's start_agent examples, and no agent of ours", () => {
  const allowed = specExampleModels();
  expect(allowed.size).toBeGreaterThan(0);
  for (const name of ['default', 'ci']) {
    const mix = loadMix(name);
    expect(mix.workloads.length).toBeGreaterThan(0);
    const models = mix.workloads.flatMap((w) => (w.workload as { model: string }[]).map((m) => m.model));
    for (const model of models) expect(allowed).toContain(model);
    expect(mix.requests.filter((r) => r.agentName !== undefined)).toEqual([]);
  }
});

test('each user gets one of the mix workloads, volumes scaled, models unchanged, the same for the same seed', () => {
  const mix = loadMix('ci');
  const a = userWorkload(mix, Random.forUser(7, 3));
  expect(userWorkload(mix, Random.forUser(7, 3))).toEqual(a);
  const models = (w: unknown) => ((w as { workload: { model: string }[] }).workload ?? []).map((m) => m.model);
  const volumes = new Set<number>();
  for (let u = 0; u < 20; u++) {
    const workload = userWorkload(mix, Random.forUser(7, u));
    expect(mix.workloads.map(models)).toContainEqual(models(workload));
    for (const m of (workload as { workload: { requests_per_month: number }[] }).workload) {
      expect(Number.isInteger(m.requests_per_month)).toBe(true);
      volumes.add(m.requests_per_month);
    }
  }
  expect(volumes.size).toBeGreaterThan(5);
});

test('workload: sample without workloads in the mix sends the minimal request (the provider picks a sample)', () => {
  const mix = { ...loadMix('ci'), workloads: [] };
  const template = mix.requests.find((r) => r.workload === 'sample')!;
  expect(userWorkload(mix, Random.forUser(1, 0))).toBeUndefined();
  expect(buildStartAgent(template, 'hi', 'u0-r1', undefined)).toEqual({
    type: 'start_agent',
    request_id: 'u0-r1',
    user_request: 'hi',
  });
});
