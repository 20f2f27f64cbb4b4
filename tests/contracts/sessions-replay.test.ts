// Provider verification of every committed session: its client side replayed against a freshly started reference
// provider (auth service + provider on 127.0.0.1, free ports) keeps every rule and the recording's strict shape (our
// own regression test of the reference provider: the same tools, agents and error codes).
// Each session has a provider of its own and the replay mostly waits on the provider's think and tool latencies (the
// recordings' pace): the sessions run concurrently (Jest's maxConcurrency at a time), not one after another.
import { readSession } from '../../src/sessions';
import { RECORDING_PROVIDER_OPTIONS, startEmbeddedTarget } from '../../src/pipeline/embedded';
import { formatReplayReport, replaySession } from '../../src/verify/replay';
import { nameOf, sessionFiles } from './support/sessions';

describe('replay of every committed session against a fresh provider', () => {
  it.concurrent.each(sessionFiles().map((f) => [nameOf(f), f]))(
    '%s',
    async (_name, file) => {
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
    },
    90_000,
  );
});
