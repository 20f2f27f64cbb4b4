import type { CheckHooks } from '../../../src/rules/check-kind';
import { HookTable } from '../../../src/rules/hook-table';

describe('HookTable (hooks indexed by message type)', () => {
  it('calls a typed hook only for its types, untyped hooks for every type, all in rule order', () => {
    const calls: string[] = [];
    const table = new HookTable();
    const hook = (name: string, types?: string[]): CheckHooks => ({
      ...(types ? { types: { runEventFirst: types } } : {}),
      runEventFirst: () => void calls.push(name),
    });
    table.add(hook('any-1'));
    table.add(hook('completed', ['agent_completed']));
    table.add(hook('any-2'));
    table.add(hook('pairs', ['tool_executing', 'tool_completed']));
    table.seal(['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed']);
    const fire = (type: string | undefined): string[] => {
      calls.length = 0;
      for (const h of table.runEventFirst.of(table.typeId(type))) h({} as never, {} as never);
      return [...calls];
    };
    expect(fire('agent_completed')).toEqual(['any-1', 'completed', 'any-2']);
    expect(fire('tool_completed')).toEqual(['any-1', 'any-2', 'pairs']);
    expect(fire('agent_thinking')).toEqual(['any-1', 'any-2']);
    expect(fire('agent_progress')).toEqual(['any-1', 'any-2']); // a type nothing names
    expect(fire(undefined)).toEqual(['any-1', 'any-2']);
  });

  it('gives a small id to every protocol type and to every type a hook names', () => {
    const table = new HookTable();
    table.add({ types: { serverFrame: ['error_message'] }, serverFrame: () => undefined });
    table.seal(['agent_started']);
    expect(table.typeId('agent_started')).toBeGreaterThan(0);
    expect(table.typeId('error_message')).toBeGreaterThan(0);
    expect(table.typeId('agent_started')).not.toBe(table.typeId('error_message'));
    expect(table.typeId('nope')).toBe(0);
  });

  it('names each id by its type, including ids given after sealing (none for 0)', () => {
    const table = new HookTable();
    table.seal(['agent_started', 'agent_completed']);
    const late = table.idOf('agent_progress');
    expect(table.nameOf(table.typeId('agent_started'))).toBe('agent_started');
    expect(table.nameOf(table.typeId('agent_completed'))).toBe('agent_completed');
    expect(table.nameOf(late)).toBe('agent_progress');
    expect(table.nameOf(table.typeId('nope'))).toBeUndefined();
  });
});
