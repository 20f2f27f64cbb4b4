import { runLoadWorkers } from '../../../../src/verify/load';

// Every case is refused before a worker process starts (nothing listens on port 9, and nothing is sent there).
const base = { url: 'ws://127.0.0.1:9/ws', authUrl: 'http://127.0.0.1:9', users: 4, durationS: 1, mix: 'ci' };
const workers = { workers: 2, targetArgs: ['--url', base.url, '--auth-url', base.authUrl] };

test.each([
  ['more workers than users', { ...base, users: 1 }, workers, /more than --users/],
  ['workers and a shard', { ...base, shard: '1/2' }, workers, /--shard splits machines/],
  ['workers and --record', { ...base, recordFile: 'x.session.jsonl' }, workers, /--record needs a single process/],
  ['zero workers', base, { ...workers, workers: 0 }, /--workers must be/],
  ['a non-loopback --url', { ...base, url: 'ws://192.0.2.1/ws' }, workers, /not loopback/],
])('refuses %s up front', async (_name, opts, options, message) => {
  await expect(runLoadWorkers(opts, options)).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringMatching(message),
  });
});

test('a mix given as an object cannot reach the workers', async () => {
  const { loadMix } = await import('../../../../src/verify/load');
  await expect(runLoadWorkers({ ...base, mix: loadMix('ci') }, workers)).rejects.toMatchObject({
    code: 'LOAD_USAGE',
    message: expect.stringContaining('--mix as a name or a file'),
  });
});
