import type { Scenario } from '../scenarios';

/**
 * The live names of one copy of a scenario: users get the run's prefix (fresh user ids for every run of a tool, so
 * runs of an earlier run never reach this one) and, for a scenario with several copies, the copy number; connection
 * ids keep the `<user>-<n>` convention.
 *
 * @example
 * const naming = new Naming(scenario, 'r7f3a.', 2, 20);
 * naming.user('priya'); // 'r7f3a.priya.2'
 * naming.conn('priya-1'); // 'priya.2-1'
 */
export class Naming {
  constructor(
    private readonly scenario: Scenario,
    private readonly prefix: string,
    private readonly copy: number,
    private readonly copies: number,
  ) {}

  private readonly aliases = new Map<string, string>();

  /** The live user id (token `sub`) of a scenario user. */
  user(name: string): string {
    const alias = this.aliases.get(name);
    if (alias !== undefined) return alias;
    return this.copies > 1 ? `${this.prefix}${name}.${this.copy}` : `${this.prefix}${name}`;
  }

  /** The user turned out to be `live` (the token source gives every user one identity). */
  alias(name: string, live: string): void {
    this.aliases.set(name, live);
  }

  /** The session's connection id of a scenario connection. */
  conn(id: string): string {
    if (this.copies === 1) return id;
    const user = this.scenario.connections.get(id)?.user;
    return user !== undefined && id.startsWith(`${user}-`)
      ? `${user}.${this.copy}${id.slice(user.length)}`
      : `${id}.${this.copy}`;
  }

  /** The live user id of the user a scenario connection belongs to. */
  userOfConn(id: string): string {
    return this.user(this.scenario.connections.get(id)?.user ?? id);
  }
}
