// Provider verification of every committed session: its client side replayed against a freshly started reference
// provider (auth service + provider on 127.0.0.1, free ports) keeps every rule and the recording's strict shape (our
// own regression test of the reference provider: the same tools, agents and error codes).
// Each session has a provider of its own and its replay mostly waits on the provider's think and tool latencies (the
// recording's pace): a few sessions run at once, the longest recordings first. Only a few: the ci timing profile
// still judges every first event (500 ms), and too many replays in one process would make that the event loop's
// fault, not the provider's.
import { readFileSync } from 'fs';
import { readSession } from '../../src/sessions';
import { RECORDING_PROVIDER_OPTIONS, startEmbeddedTarget } from '../../src/pipeline/embedded';
import { formatReplayReport, replaySession } from '../../src/verify/replay';
import { slots } from '../setup/slots';
import { nameOf, sessionFiles } from './support/sessions';

const AT_ONCE = 3;

/** The recording's length in ms: the `t` of its last record. */
function recordedMs(file: string): number {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  return Number((JSON.parse(lines[lines.length - 1]) as { t?: number }).t ?? 0);
}

const slot = slots(AT_ONCE);
const longestFirst = sessionFiles()
  .map((f) => ({ f, ms: recordedMs(f) }))
  .sort((a, b) => b.ms - a.ms)
  .map(({ f }) => [nameOf(f), f]);

async function replayOne(file: string): Promise<void> {
  const session = await readSession(file);
  const embedded = await startEmbeddedTarget({ provider: RECORDING_PROVIDER_OPTIONS });
  try {
    // The ci profile: the machine running the tests is shared, a first event may take longer than locally.
    const report = await replaySession(session, { target: embedded.target, profile: 'ci', shape: 'strict' });
    if (!report.ok) throw new Error(formatReplayReport(report));
    expect(report.differences).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(report.problems).toEqual([]);
    // The live traffic really happened: as many connections and client frames as recorded.
    const count = (s: typeof session, kind: string): number =>
      s.records.filter((r) => (r.kind === 'frame' ? `frame:${r.dir}` : r.kind) === kind).length;
    const live = report.live as typeof session;
    for (const kind of ['open', 'frame:c2s', 'close']) expect(count(live, kind)).toBe(count(session, kind));
  } finally {
    await embedded.close();
  }
}

describe('replay of every committed session against a fresh provider', () => {
  it.concurrent.each(longestFirst)('%s', (_name, file) => slot(() => replayOne(file)), 90_000);
});
