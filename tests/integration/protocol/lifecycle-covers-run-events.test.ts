// The lifecycle in contracts/rules must name every run event of the spec. order.allowed-transitions does not judge a
// type it has no state for (so a newer provider's event does not fail an older rule set), which means a run event
// added to asyncapi.yaml but forgotten in order.yaml would pass `verify` anywhere in a run. This keeps the repo's own
// rules and spec in step: the start, the terminals and every other run event of generated/contract.json are states.
import { loadProtocol } from '../../../src/protocol';
import { loadRules } from '../../../src/rules';

interface LifecycleParams {
  start: string;
  terminals: string[];
  transitions: Record<string, string[]>;
}

describe('the run lifecycle (order.allowed-transitions) and the spec', () => {
  const protocol = loadProtocol();
  const rule = loadRules().rules.find((r) => r.id === 'order.allowed-transitions');
  const params = rule?.params as LifecycleParams | undefined;

  it('agree on the start and the terminal events', () => {
    expect(params?.start).toBe(protocol.startType);
    expect([...(params?.terminals ?? [])].sort()).toEqual([...protocol.terminalTypes].sort());
  });

  it('have a state for every run event of the spec, and no state that is not one', () => {
    const states = Object.keys(params?.transitions ?? {}).sort();
    expect(states).toEqual([...protocol.runEventTypes].sort());
  });
});
