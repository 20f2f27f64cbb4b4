/**
 * The counts of a load run; every tab of every virtual user adds to the same ones. Plain fields on one object:
 * counting is an increment, nothing allocates.
 *
 * @example
 * const counters = new LoadCounters(2);
 * counters.connectionOpened(1);
 * counters.error('TOKEN_EXPIRED');
 */
export class LoadCounters {
  runsStarted = 0;
  runsCompleted = 0;
  runsFailed = 0;
  runsCancelled = 0;
  runsUnfinished = 0;
  runsInFlight = 0;
  expected = 0;
  delivered = 0;
  duplicates = 0;
  redelivered = 0;
  missing = 0;
  /** Run events received on all connections. */
  received = 0;
  /** Every frame received (run events, connection_established, error_message, anything else). */
  framesReceived = 0;
  framesSent = 0;
  connectionsOpened = 0;
  connectionsOpen = 0;
  connectionsPeak = 0;
  drops = 0;
  serverCloses = 0;
  connectFailures = 0;
  /** Reconnections that went to another URL than the connection before (several --url). */
  reconnectsToOtherNode = 0;
  tokensIssued = 0;
  tokenRefreshes = 0;
  /** error_message codes, agent_error codes and client-side failures. */
  readonly errors = new Map<string, number>();
  /** Connections opened per URL of the target (index of `target.urls`). */
  readonly openedPerNode: number[];

  constructor(nodes: number) {
    this.openedPerNode = new Array<number>(nodes).fill(0);
  }

  error(code: string, n = 1): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + n);
  }

  connectionOpened(node: number): void {
    this.connectionsOpened++;
    this.openedPerNode[node]++;
    this.connectionsOpen++;
    if (this.connectionsOpen > this.connectionsPeak) this.connectionsPeak = this.connectionsOpen;
  }

  /** A run ended: how, for the run counts. */
  runEnded(outcome: RunOutcome): void {
    this.runsInFlight--;
    if (outcome === 'completed' || outcome === 'cancelled') {
      this.runsCompleted++;
      if (outcome === 'cancelled') this.runsCancelled++;
    } else {
      this.runsFailed++;
      if (outcome === 'unfinished') this.runsUnfinished++;
    }
  }
}

/** How a run a tab started ended. `unfinished`: still in flight when the load ended. */
export type RunOutcome = 'completed' | 'cancelled' | 'failed' | 'unfinished';
