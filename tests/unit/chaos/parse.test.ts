import { ChaosError, parseToxic } from '../../../src/chaos';

describe('parseToxic', () => {
  it.each([
    [
      'latency:ms=100,jitter=20',
      { kind: 'latency', name: 'latency_downstream', stream: 'downstream', ms: 100, jitterMs: 20 },
    ],
    ['latency:latency=5', { kind: 'latency', name: 'latency_downstream', stream: 'downstream', ms: 5, jitterMs: 0 }],
    [
      'bandwidth:bps=65536',
      { kind: 'bandwidth', name: 'bandwidth_downstream', stream: 'downstream', bytesPerSecond: 65536 },
    ],
    [
      'bandwidth:bps=64k,stream=both',
      { kind: 'bandwidth', name: 'bandwidth_both', stream: 'both', bytesPerSecond: 65536 },
    ],
    [
      'bandwidth:rate=1m',
      { kind: 'bandwidth', name: 'bandwidth_downstream', stream: 'downstream', bytesPerSecond: 1048576 },
    ],
    ['reset:rate=0.2', { kind: 'reset', name: 'reset_downstream', stream: 'downstream', ratePerSecond: 0.2 }],
    ['reset', { kind: 'reset', name: 'reset_downstream', stream: 'downstream', afterBytes: 0 }],
    ['reset:after=1024,stream=up', { kind: 'reset', name: 'reset_upstream', stream: 'upstream', afterBytes: 1024 }],
    ['reset:p=0.5,name=flaky', { kind: 'reset', name: 'flaky', stream: 'downstream', probability: 0.5 }],
    [
      'stall:every=5000,duration=1000',
      { kind: 'stall', name: 'stall_downstream', stream: 'downstream', everyMs: 5000, durationMs: 1000 },
    ],
    [
      'stall:after=10,duration=inf,stream=down',
      { kind: 'stall', name: 'stall_downstream', stream: 'downstream', afterBytes: 10, durationMs: Infinity },
    ],
    [
      'slicer:size=16,variation=8,delay=1',
      {
        kind: 'slicer',
        name: 'slicer_downstream',
        stream: 'downstream',
        averageSize: 16,
        sizeVariation: 8,
        delayMs: 1,
      },
    ],
    [
      ' SLICER : size = 4 , stream = UP ',
      { kind: 'slicer', name: 'slicer_upstream', stream: 'upstream', averageSize: 4, sizeVariation: 0, delayMs: 0 },
    ],
  ])('parses %j', (spec, expected) => {
    expect(parseToxic(spec)).toEqual(expected);
  });

  it.each([
    ['', /unknown kind ''/],
    ['teleport:ms=1', /unknown kind 'teleport'/],
    ['latency', /ms is required/],
    ['latency:', /nothing after ':'/],
    ['latency:ms', /'ms' is not key=value/],
    ['latency:ms=', /ms has no value/],
    ['latency:ms=abc', /ms='abc' is not a non-negative number/],
    ['latency:ms=-5', /ms='-5' is not a non-negative number/],
    ['latency:ms=1,ms=2', /ms given twice/],
    ['latency:ms=1,latency=2', /latency given twice/],
    ['latency:ms=1,bps=2', /unknown key 'bps' for latency/],
    ['latency:ms=1,stream=sideways', /stream='sideways'/],
    ['latency:ms=1,name=has space', /name must be/],
    ['bandwidth:bps=0', /bytesPerSecond must be > 0/],
    ['reset:p=1.5', /probability must be <= 1/],
    ['reset:after=1.5', /afterBytes must be an integer/],
    ['stall:every=1000', /durationMs is required/],
    ['stall:every=1000,duration=1000', /durationMs must be below everyMs/],
    ['stall:every=1000,duration=inf', /durationMs must be finite/],
    ['stall:every=1000,duration=10,after=5', /cannot be combined/],
    ['slicer:size=0', /averageSize must be >= 1/],
    ['slicer:size=4,variation=4', /sizeVariation must be below averageSize/],
  ])('rejects %j with BAD_TOXIC', (spec, message) => {
    let caught: unknown;
    try {
      parseToxic(spec);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ChaosError);
    expect(caught).toMatchObject({ code: 'BAD_TOXIC', exitCode: 2 });
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).toContain(`'${spec}'`);
  });
});
