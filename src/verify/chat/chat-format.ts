import type { ChatFrame } from './chat-client';

/** ANSI styling, or none (not a TTY, NO_COLOR). */
export interface Palette {
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  red(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;

/**
 * The chat's colours: ANSI when `color` is true, plain text otherwise.
 *
 * @example
 * const palette = createPalette(process.stdout.isTTY === true && !process.env.NO_COLOR);
 */
export function createPalette(color: boolean): Palette {
  if (!color) {
    const plain = (s: string): string => s;
    return { dim: plain, bold: plain, cyan: plain, yellow: plain, green: plain, red: plain };
  }
  return {
    dim: ansi(2, 22),
    bold: ansi(1, 22),
    cyan: ansi(36, 39),
    yellow: ansi(33, 39),
    green: ansi(32, 39),
    red: ansi(31, 39),
  };
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

function short(value: unknown, max = 60): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value)) text = `[${value.length}]`;
  else if (value !== null && typeof value === 'object') text = `{${Object.keys(value).length}}`;
  else text = String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `key=value` pairs of an object's first fields, one line, for tool parameters and results.
 *
 * @example
 * summarise({ models: [1, 2], total_usd: 4500 }); // 'models=[2], total_usd=4500'
 */
export function summarise(obj: unknown, maxLength = 110): string {
  if (obj === null || typeof obj !== 'object') return short(obj, maxLength);
  const parts = Object.entries(obj as Record<string, unknown>).map(([key, value]) => `${key}=${short(value, 40)}`);
  if (parts.length === 0) return '{}';
  let line = '';
  for (const part of parts) {
    const next = line === '' ? part : `${line}, ${part}`;
    if (next.length > maxLength) return `${line}, …`;
    line = next;
  }
  return line;
}

function stamp(t: number, p: Palette): string {
  return p.dim(`+${String(t).padStart(5)} ms`);
}

/**
 * The lines the chat prints for one frame: timing, event type and what matters in it; the final answer with its
 * recommendations after agent_completed. Schema problems are flagged on their own lines.
 *
 * @example
 * for (const line of formatFrame(frame, createPalette(false))) console.log(line);
 */
export function formatFrame(frame: ChatFrame, p: Palette): string[] {
  const lines: string[] = [];
  const m = frame.msg;
  const at = stamp(frame.t, p);
  if (m === undefined) {
    lines.push(`${at}  ${p.red('not JSON')}  ${short(frame.raw, 100)}`);
  } else {
    switch (m.type) {
      case 'connection_established':
        lines.push(
          `${at}  ${p.bold('connected')} as ${p.bold(String(m.user_id))} (${String(m.connection_id)}), token valid until ${String(m.token_expires_at ?? '?')}`,
        );
        break;
      case 'agent_started':
        lines.push(
          `${at}  ${p.bold('▶ started')}   ${String(m.agent_name)}  ${p.dim(`${String(m.run_id)} · ${String(m.thread_id)} · seq ${String(m.seq)}`)}`,
        );
        break;
      case 'agent_thinking':
        lines.push(`${at}  ${p.cyan(`… thinking #${String(m.step_number)}`)}  ${String(m.reasoning)}`);
        break;
      case 'tool_executing':
        lines.push(`${at}  ${p.yellow(`⚙ ${String(m.tool_name)}`)}  ${p.dim(summarise(m.parameters))}`);
        break;
      case 'tool_completed': {
        const ok = m.status === 'success';
        const head = ok ? p.green(`✓ ${String(m.tool_name)}`) : p.red(`✗ ${String(m.tool_name)}`);
        const error = m.error as { code?: unknown; message?: unknown } | undefined;
        const body = ok ? summarise(m.results) : `${String(error?.code)}: ${String(error?.message)}`;
        lines.push(`${at}  ${head}  ${p.dim(`${String(m.execution_time_ms)} ms`)}  ${body}`);
        break;
      }
      case 'agent_completed':
        lines.push(...formatCompleted(m, at, p));
        break;
      case 'agent_error':
        lines.push(
          `${at}  ${p.red(`✗ agent_error ${String(m.code)}`)}  ${String(m.message)}  ${p.dim(`retryable: ${String(m.retryable)}`)}`,
        );
        break;
      case 'error_message':
        lines.push(`${at}  ${p.red(`✗ error_message ${String(m.error_code)}`)}  ${String(m.error_message)}`);
        break;
      default:
        lines.push(`${at}  ${String(m.type)}  ${short(frame.raw, 100)}`);
    }
  }
  for (const problem of frame.problems.slice(0, 5)) {
    lines.push(
      `         ${p.red(`! not valid per asyncapi.yaml: ${problem.pointer || '/'} ${problem.keyword}: ${problem.message}`)}`,
    );
  }
  return lines;
}

function formatCompleted(m: Record<string, unknown>, at: string, p: Palette): string[] {
  const status = String(m.status);
  const colour = status === 'success' ? p.green : status === 'partial' ? p.yellow : p.red;
  const lines = [
    `${at}  ${colour(`■ completed (${status})`)} in ${String(m.execution_time_ms)} ms`,
    '',
    p.bold('Answer'),
  ];
  for (const paragraph of String(m.final_response).split('\n')) lines.push(`  ${paragraph}`);
  const result = m.result as { recommendations?: unknown; total_estimated_monthly_savings_usd?: unknown } | undefined;
  const recommendations = Array.isArray(result?.recommendations)
    ? (result.recommendations as Record<string, unknown>[])
    : [];
  if (recommendations.length > 0) {
    lines.push('', p.bold('Recommendations'));
    for (const rec of recommendations) {
      const saving =
        typeof rec.estimated_monthly_savings_usd === 'number' ? usd.format(rec.estimated_monthly_savings_usd) : '?';
      lines.push(`  ${p.green(saving.padStart(12))}/month  ${String(rec.title)}`);
    }
    const total = result?.total_estimated_monthly_savings_usd;
    if (typeof total === 'number') lines.push(`  ${p.bold(usd.format(total).padStart(12))}/month  total`);
  }
  return lines;
}
