// The top-level help is built from src/cli/command-list.ts without loading any command module: it must print exactly
// what the command modules themselves declare (same commands, order, usage and descriptions).
import { buildProgram } from '../../../src/cli/main';
import { COMMAND_LIST } from '../../../src/cli/command-list';

const argv = (...args: string[]): string[] => ['node', 'netra-contracts', ...args];

describe('netra-contracts --help', () => {
  it('lists the commands exactly as the loaded command modules declare them', () => {
    const summary = buildProgram(argv('--help')).helpInformation();
    const full = buildProgram(argv('help')).helpInformation(); // `help` loads every command module
    expect(summary).toBe(full);
    for (const { name } of COMMAND_LIST) expect(summary).toContain(`  ${name}`);
  });

  it('gives -h and no command the same summary', () => {
    const summary = buildProgram(argv('--help')).helpInformation();
    expect(buildProgram(argv('-h')).helpInformation()).toBe(summary);
    expect(buildProgram(argv()).helpInformation()).toBe(summary);
  });

  it('has one entry per module under src/cli/commands', () => {
    const names = buildProgram(argv('help'))
      .commands.map((c) => c.name())
      .sort();
    expect(COMMAND_LIST.map((c) => c.name).sort()).toEqual(names);
  });
});
