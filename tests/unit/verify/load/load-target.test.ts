import {
  applyTargetLimits,
  assertTargetAllowed,
  resolveLoadTarget,
  runLoad,
  loadShorthandTarget,
} from '../../../../src/verify/load';
import { createDevSource } from '../../../../src/verify/auth';
import type { Target } from '../../../../src/verify/targets/types';

// Nothing in this file sends traffic: every target is refused (or only built) before any connection. 192.0.2.0/24 is
// TEST-NET-1 (never routed).
function target(over: Partial<Target> = {}): Target {
  return {
    name: 'staging',
    url: 'ws://127.0.0.1:9/ws',
    urls: ['ws://127.0.0.1:9/ws'],
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS: 5,
    auth: createDevSource({ url: 'http://127.0.0.1:9', clockLeewayS: 5 }),
    ...over,
  };
}
const settings = {
  users: 10,
  durationS: 30,
  rampS: 1,
  drainS: 45,
  seed: 1,
  tokenTtlS: 900,
  runTimeoutS: 60,
  shard: { index: 1, count: 1 },
};

test('a target with a non-loopback URL is refused unless it declares remote: true', () => {
  const remote = { url: 'wss://192.0.2.10/ws', urls: ['ws://127.0.0.1:9/ws', 'wss://192.0.2.10/ws'] };
  expect(() => assertTargetAllowed(target(remote))).toThrow(
    expect.objectContaining({ code: 'NOT_LOOPBACK', exitCode: 2, message: expect.stringContaining('remote: true') }),
  );
  expect(() => assertTargetAllowed(target({ ...remote, remote: true }))).not.toThrow();
  expect(() => assertTargetAllowed(target({ urls: ['http://127.0.0.1/ws'] }))).toThrow(
    expect.objectContaining({ code: 'LOAD_USAGE' }),
  );
  expect(() => assertTargetAllowed(target({ urls: [] }))).toThrow(expect.objectContaining({ code: 'LOAD_USAGE' }));
});

test('runLoad refuses a remote target without remote: true before any traffic', async () => {
  await expect(
    runLoad({ target: target({ url: 'ws://192.0.2.10/ws', urls: ['ws://192.0.2.10/ws'] }), users: 1, durationS: 1 }),
  ).rejects.toMatchObject({ code: 'NOT_LOOPBACK' });
});

test("the target's limits are hard caps: more users or a longer run is refused, the drain is cut to fit", async () => {
  const capped = target({ limits: { maxUsers: 5, maxDurationS: 60 } });
  expect(() => applyTargetLimits(capped, settings)).toThrow(
    expect.objectContaining({ code: 'TARGET_LIMIT', message: expect.stringContaining('at most 5 users') }),
  );
  expect(() => applyTargetLimits(capped, { ...settings, users: 5, durationS: 61 })).toThrow(
    expect.objectContaining({ code: 'TARGET_LIMIT', message: expect.stringContaining('max_duration_s') }),
  );
  expect(applyTargetLimits(capped, { ...settings, users: 5, durationS: 50 }).drainS).toBe(10);
  expect(applyTargetLimits(target(), settings)).toEqual(settings);
  await expect(runLoad({ target: capped, users: 6, durationS: 1 })).rejects.toMatchObject({ code: 'TARGET_LIMIT' });
});

test('--url shorthand: loopback URLs with dev tokens; without --auth-url the probe explains which flag is missing', () => {
  const { target: t, authHint } = loadShorthandTarget(['ws://127.0.0.1:8000/ws', 'ws://127.0.0.1:8100/ws'], undefined);
  expect(t.urls).toEqual(['ws://127.0.0.1:8000/ws', 'ws://127.0.0.1:8100/ws']);
  expect(t.auth.kind).toBe('dev');
  expect(authHint).toContain('--auth-url was not given');
  expect(authHint).toContain('http://127.0.0.1:8001');
  expect(loadShorthandTarget(['ws://127.0.0.1:8000/ws'], 'http://127.0.0.1:9001').authHint).toBeUndefined();
  expect(() => loadShorthandTarget(['ws://127.0.0.1:8000/ws', 'ws://192.0.2.1/ws'], undefined)).toThrow(
    expect.objectContaining({ code: 'NOT_LOOPBACK' }),
  );
  expect(() => resolveLoadTarget({ target: target(), url: 'ws://127.0.0.1:1/ws', users: 1, durationS: 1 })).toThrow(
    expect.objectContaining({ code: 'LOAD_USAGE', message: expect.stringContaining('not both') }),
  );
});
