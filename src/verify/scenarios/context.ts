import { asRecord } from '../../util/records';
import type { ScenarioConnection, ScenarioStep, ScenarioUser } from './model';

/** `file:line:col` of a path in the scenario document. */
export type Where = (...segments: (string | number)[]) => string;

const PLACEHOLDER = /\$\{(run|thread):([^}]*)\}/g;

/** The state of one build: what is declared, what has happened so far in the steps, and the problems found. */
export class BuildContext {
  readonly problems: string[] = [];
  readonly users = new Map<string, ScenarioUser>();
  readonly connections = new Map<string, ScenarioConnection>();
  readonly requestsSent = new Set<string>();
  readonly connected = new Set<string>();
  readonly steps: ScenarioStep[] = [];

  constructor(
    readonly where: Where,
    readonly timeoutMs: number,
  ) {}

  problem(segments: (string | number)[], message: string): void {
    this.problems.push(`${this.where(...segments)}: /${segments.join('/')}: ${message}`);
  }

  /** 1-based line of a path. */
  lineOf(...segments: (string | number)[]): number {
    return Number(
      this.where(...segments)
        .split(':')
        .at(-2),
    );
  }

  /** Checks that a step names a declared connection, connected before unless `mustBeConnected` is false. */
  needConn(index: number, action: string, conn: string, mustBeConnected = true): void {
    const segments = ['steps', index, action];
    if (!this.connections.has(conn)) this.problem(segments, `connection "${conn}" is not declared under connections`);
    else if (mustBeConnected && !this.connected.has(conn))
      this.problem(segments, `connection "${conn}" is used before its connect/reconnect step`);
  }

  /** Checks that `run` is the request_id of a start_agent sent by an earlier step. */
  needRun(index: number, action: string, run: string): void {
    if (!this.requestsSent.has(run)) {
      this.problem(
        ['steps', index, action, 'run'],
        `"${run}" is not the request_id of a start_agent sent by an earlier step`,
      );
    }
  }

  needUser(segments: (string | number)[], user: string): void {
    if (!this.users.has(user)) this.problem(segments, `user "${user}" is not declared under users`);
  }

  /** The placeholders `${run:REQ}` / `${thread:REQ}` of a message must name earlier requests. */
  checkPlaceholders(index: number, msg: unknown): void {
    for (const match of JSON.stringify(msg ?? null).matchAll(PLACEHOLDER)) {
      if (!this.requestsSent.has(match[2])) {
        this.problem(
          ['steps', index, 'send', 'msg'],
          `\${${match[1]}:${match[2]}} names no start_agent sent by an earlier step`,
        );
      }
    }
    const record = asRecord(msg);
    if (record?.type === 'start_agent' && typeof record.request_id === 'string')
      this.requestsSent.add(record.request_id);
  }
}
