import { asRecord } from '../../util/records';
import { loadProtocol } from '../../protocol';
import type { BuildContext } from './context';
import type { ScenarioStep } from './model';
import { tokenSpec, type RawToken } from './token-spec';

/** What every step builder gets: the step's place, its body, and the defaults. */
interface StepInput {
  index: number;
  line: number;
  action: string;
  body: unknown;
  obj: Record<string, unknown>;
  /** The connection the step names (`step: conn` or `step: { conn }`). */
  conn: string;
  timeoutMs: number;
}

type StepBuilder = (ctx: BuildContext, input: StepInput) => ScenarioStep | undefined;

const base = (input: StepInput): { index: number; line: number } => ({ index: input.index, line: input.line });

function connectStep(ctx: BuildContext, input: StepInput): ScenarioStep {
  const { index, action, conn, obj } = input;
  ctx.needConn(index, action, conn, false);
  if (ctx.connected.has(conn))
    ctx.problem(['steps', index, action], `connection "${conn}" is connected twice; declare another connection id`);
  ctx.connected.add(conn);
  if (action === 'connect') return { ...base(input), action, conn, timeoutMs: input.timeoutMs };
  const resume = obj.resume as string[] | undefined;
  for (const run of resume ?? []) ctx.needRun(index, action, run);
  return { ...base(input), action: 'reconnect', conn, timeoutMs: input.timeoutMs, ...(resume ? { resume } : {}) };
}

function sendStep(ctx: BuildContext, input: StepInput): ScenarioStep {
  ctx.needConn(input.index, input.action, input.conn);
  ctx.checkPlaceholders(input.index, input.obj.msg);
  return { ...base(input), action: 'send', conn: input.conn, msg: input.obj.msg };
}

function sendRawStep(ctx: BuildContext, input: StepInput): ScenarioStep {
  const { obj } = input;
  ctx.needConn(input.index, input.action, input.conn);
  return {
    ...base(input),
    action: 'send_raw',
    conn: input.conn,
    ...(typeof obj.text === 'string' ? { text: obj.text } : {}),
    ...(typeof obj.binary === 'string' ? { binary: obj.binary } : {}),
    ...(typeof obj.oversize === 'number' ? { oversize: obj.oversize } : {}),
  };
}

function waitForStep(ctx: BuildContext, input: StepInput): ScenarioStep {
  const { index, action, obj } = input;
  const user = obj.user as string | undefined;
  const conn = obj.conn as string | undefined;
  if ((user === undefined) === (conn === undefined))
    ctx.problem(
      ['steps', index, action],
      'needs exactly one of "conn" (one connection) and "user" (any of its connections)',
    );
  if (conn !== undefined) ctx.needConn(index, action, conn);
  if (user !== undefined) ctx.needUser(['steps', index, action, 'user'], user);
  const type = (obj.type as string | undefined) ?? 'any';
  const serverTypes = loadProtocol().serverTypes;
  if (type !== 'terminal' && type !== 'any' && !serverTypes.has(type)) {
    const known = [...serverTypes].join(', ');
    ctx.problem(
      ['steps', index, action, 'type'],
      `"${type}" is not a server message type (${known}), "terminal" or "any"`,
    );
  }
  const run = obj.run as string | undefined;
  if (run !== undefined) ctx.needRun(index, action, run);
  if (obj.seq !== undefined && run === undefined)
    ctx.problem(['steps', index, action, 'seq'], 'needs "run": seq counts within one run');
  if ((obj.assume !== undefined || obj.accept_refusal !== undefined) && run === undefined)
    ctx.problem(['steps', index, action, 'assume'], 'needs "run": assume and accept_refusal are about one request');
  return {
    ...base(input),
    action: 'wait_for',
    type,
    count: (obj.count as number | undefined) ?? 1,
    timeoutMs: input.timeoutMs,
    ...(conn !== undefined ? { conn } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(run !== undefined ? { run } : {}),
    ...(obj.error_code !== undefined ? { errorCode: obj.error_code as string } : {}),
    ...(obj.seq !== undefined ? { seq: obj.seq as number } : {}),
    ...(typeof obj.assume === 'string' ? { assume: obj.assume } : {}),
    ...(obj.accept_refusal === true ? { acceptRefusal: true } : {}),
  };
}

function simpleConnStep(ctx: BuildContext, input: StepInput): ScenarioStep | undefined {
  const { action, conn, obj } = input;
  ctx.needConn(input.index, action, conn);
  switch (action) {
    case 'wait_close':
      return {
        ...base(input),
        action,
        conn,
        timeoutMs: input.timeoutMs,
        ...(typeof obj.code === 'number' ? { code: obj.code } : {}),
      };
    case 'drop':
    case 'wait_token_expiry':
      return { ...base(input), action, conn, timeoutMs: input.timeoutMs };
    case 'close': {
      const code = typeof obj.code === 'number' ? obj.code : 1000;
      const reason = typeof obj.reason === 'string' ? obj.reason : 'done';
      return { ...base(input), action, conn, code, reason };
    }
    default:
      return undefined;
  }
}

function runStep(ctx: BuildContext, input: StepInput): ScenarioStep | undefined {
  const { index, action, conn, obj } = input;
  ctx.needConn(index, action, conn);
  const run = obj.run as string;
  ctx.needRun(index, action, run);
  if (action === 'resume') {
    const lastSeq = typeof obj.last_seq === 'number' ? { lastSeq: obj.last_seq } : {};
    return { ...base(input), action, conn, run, ...lastSeq };
  }
  if (action === 'assume_running') return { ...base(input), action, conn, run, assume: String(obj.reason) };
  return { ...base(input), action: 'cancel', conn, run };
}

function refreshStep(ctx: BuildContext, input: StepInput): ScenarioStep {
  const { index, action, conn, obj } = input;
  ctx.needConn(index, action, conn);
  const asUser = obj.as_user as string | undefined;
  if (asUser !== undefined) ctx.needUser(['steps', index, action, 'as_user'], asUser);
  const owner = ctx.connections.get(conn);
  const userToken = ctx.users.get(asUser ?? owner?.user ?? '')?.token ?? { kind: 'valid' };
  const token = tokenSpec(userToken, obj.token as RawToken | undefined);
  return { ...base(input), action: 'refresh', conn, token, ...(asUser ? { asUser } : {}) };
}

const BUILDERS: Record<string, StepBuilder> = {
  connect: connectStep,
  reconnect: connectStep,
  send: sendStep,
  send_raw: sendRawStep,
  wait_for: waitForStep,
  wait_close: simpleConnStep,
  drop: simpleConnStep,
  close: simpleConnStep,
  wait_token_expiry: simpleConnStep,
  resume: runStep,
  cancel: runStep,
  assume_running: runStep,
  refresh: refreshStep,
  sleep: (_ctx, input) => ({ ...base(input), action: 'sleep', ms: input.body as number }),
};

/**
 * Builds one step from its raw form (`{ <action>: <body> }`) and checks its references, adding it to `ctx.steps`.
 *
 * @example
 * buildStep(ctx, { wait_for: { conn: 'alice-1', type: 'terminal', run: 'q1' } }, 3);
 */
export function buildStep(ctx: BuildContext, rawStep: Record<string, unknown>, index: number): void {
  const [action, body] = Object.entries(rawStep)[0] as [string, unknown];
  const obj = asRecord(body) ?? {};
  const conn = typeof body === 'string' ? body : (obj.conn as string);
  const timeoutMs = typeof obj.timeout_ms === 'number' ? obj.timeout_ms : ctx.timeoutMs;
  const step = BUILDERS[action]?.(ctx, { index, line: ctx.lineOf('steps', index), action, body, obj, conn, timeoutMs });
  if (step !== undefined) ctx.steps.push(step);
}
