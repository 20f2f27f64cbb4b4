import { resolveToxic, resolveToxics, type Toxic } from '../../../src/chaos';

describe('resolveToxic / resolveToxics', () => {
  it('fills in defaults: stream downstream, name <kind>_<stream>', () => {
    expect(resolveToxic({ kind: 'latency', ms: 10 })).toEqual({
      kind: 'latency',
      name: 'latency_downstream',
      stream: 'downstream',
      ms: 10,
      jitterMs: 0,
    });
    expect(resolveToxic({ kind: 'stall', durationMs: 5, stream: 'both' })).toEqual({
      kind: 'stall',
      name: 'stall_both',
      stream: 'both',
      afterBytes: 0,
      durationMs: 5,
    });
    expect(resolveToxic({ kind: 'reset', ratePerSecond: 2 })).toEqual({
      kind: 'reset',
      name: 'reset_downstream',
      stream: 'downstream',
      ratePerSecond: 2,
    });
  });

  it.each<[unknown, RegExp]>([
    [{ kind: 'latency', ms: 10, latencyMs: 5 }, /unknown field 'latencyMs'/],
    [{ kind: 'latency', ms: '10' }, /ms must be a number/],
    [{ kind: 'latency', ms: Infinity }, /ms must be finite/],
    [{ kind: 'latency', ms: 10, stream: 'sideways' }, /stream must be one of/],
    [{ kind: 'bandwidth', bytesPerSecond: -1 }, /bytesPerSecond must be > 0/],
    [{ kind: 'stall', durationMs: 0 }, /durationMs must be > 0/],
    [{ kind: 'reset', ratePerSecond: 0 }, /ratePerSecond must be > 0/],
    [{ kind: 'nope' }, /unknown kind 'nope'/],
    [null, /must be an object/],
  ])('rejects %j', (input, message) => {
    expect(() => resolveToxic(input as Toxic)).toThrow(message);
  });

  it('requires unique names in a list', () => {
    expect(() =>
      resolveToxics([
        { kind: 'latency', ms: 1 },
        { kind: 'latency', ms: 2 },
      ]),
    ).toThrow(/duplicate name/);
    expect(
      resolveToxics([
        { kind: 'latency', ms: 1 },
        { kind: 'latency', ms: 2, name: 'second' },
      ]).map((toxic) => toxic.name),
    ).toEqual(['latency_downstream', 'second']);
  });
});
