import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SpecError } from './errors';
import type { Spec } from './model';
import type { ParseRequest } from './parse-document';
import type { ParseAnswer } from './parse-worker';
import { effectiveOptions, limitsOf, type LoadOptions } from './limits';

// The main thread's side of the loader's worker: one worker, started on the first parse (so that only commands that
// read a document pay for the parser), kept for the next ones, stopped and replaced when a parse passes the time
// or memory limit, and stopped after a while without work (its parser holds memory that a long-running process,
// such as the pipeline, needs back). Parses run one at a time; the worker never keeps the process alive while idle.

/** How long an idle worker is kept for the next parse. */
const IDLE_MS = 15_000;

interface Job {
  id: number;
  request: ParseRequest;
  resolve: (spec: Spec) => void;
  reject: (err: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** The code that starts the worker: the compiled `.js` as it is, the `.ts` source through tsx (as the CLI runs). */
function workerSource(): string {
  const entry = path.join(__dirname, `parse-worker${path.extname(__filename)}`);
  const load = `require(${JSON.stringify(entry)});`;
  if (!entry.endsWith('.ts')) return load;
  return `require(${JSON.stringify(require.resolve('tsx/cjs'))});${load}`;
}

function failure(
  job: Job,
  code: 'SPEC_TIMEOUT' | 'SPEC_TOO_COMPLEX' | 'SPEC_LOADER_CLOSED',
  what: string,
  message: string,
): SpecError {
  return SpecError.of(code, [{ file: job.request.sourceName, line: 1, col: 1, code: what, message }]);
}

class ParseThread {
  private worker: Worker | undefined;
  private memoryMb = 0;
  private readonly waiting: Job[] = [];
  private current: Job | undefined;
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  parse(request: ParseRequest): Promise<Spec> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, request, resolve, reject });
      this.pump();
    });
  }

  /** Starts the worker and has it build its parser, while the caller does other work (never keeps the process alive). */
  warm(memoryMb: number): void {
    if (this.worker !== undefined) return;
    this.workerFor(memoryMb).postMessage({ warm: true });
    if (this.current === undefined) this.idle();
  }

  /** No parse to run: the worker may not keep the process alive, and is stopped if nothing comes for a while. */
  private idle(): void {
    const worker = this.worker;
    if (worker === undefined) return;
    worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.current === undefined && this.worker === worker) this.discard();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  /**
   * Stops the worker (the next parse starts a new one). The parse in flight and those queued are refused at once
   * (`SPEC_LOADER_CLOSED`): their worker is gone, and they would otherwise wait for their time limit.
   */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    clearTimeout(this.idleTimer);
    const jobs = [...(this.current === undefined ? [] : [this.current]), ...this.waiting.splice(0)];
    this.current = undefined;
    for (const job of jobs) {
      clearTimeout(job.timer);
      job.reject(
        failure(job, 'SPEC_LOADER_CLOSED', 'loader-closed', 'the spec loader was closed before the parse ended'),
      );
    }
    if (worker !== undefined) await worker.terminate();
  }

  private pump(): void {
    if (this.current !== undefined) return;
    clearTimeout(this.idleTimer);
    const job = this.waiting.shift();
    if (job === undefined) {
      this.idle();
      return;
    }
    this.current = job;
    const worker = this.workerFor(job.request.limits.maxMemoryMb);
    worker.ref();
    const { timeoutMs } = job.request.limits;
    job.timer = setTimeout(() => {
      this.discard();
      this.settle(
        job,
        failure(job, 'SPEC_TIMEOUT', 'timeout', `the parse took longer than the limit of ${timeoutMs / 1000} s`),
      );
    }, timeoutMs);
    worker.postMessage({ id: job.id, request: job.request });
  }

  private workerFor(memoryMb: number): Worker {
    if (this.worker !== undefined && this.memoryMb === memoryMb) return this.worker;
    this.discard();
    const worker = new Worker(workerSource(), { eval: true, resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
    worker.on('message', (answer: ParseAnswer) => {
      const job = this.current;
      if (job === undefined || answer.id !== job.id) return;
      if (answer.ok) this.settle(job, answer.spec as Spec);
      else
        this.settle(
          job,
          new SpecError(answer.error.code, answer.error.message, { diagnostics: answer.error.diagnostics }),
        );
    });
    worker.on('error', (err: Error & { code?: string }) => this.lost(worker, err));
    worker.on('exit', (code) => this.lost(worker, new Error(`the parser thread exited (${code})`)));
    this.worker = worker;
    this.memoryMb = memoryMb;
    return worker;
  }

  /** The worker died under the current parse (out of memory, or a crash). */
  private lost(worker: Worker, err: Error & { code?: string }): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const job = this.current;
    if (job === undefined) return;
    const outOfMemory = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
    const message = outOfMemory
      ? `the parse needed more than the limit of ${this.memoryMb} MB of memory`
      : `the parser thread failed: ${err.message}`;
    this.settle(job, failure(job, 'SPEC_TOO_COMPLEX', outOfMemory ? 'out-of-memory' : 'parser-crashed', message));
  }

  private discard(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) void worker.terminate();
  }

  private settle(job: Job, result: Spec | Error): void {
    if (this.current !== job) return;
    clearTimeout(job.timer);
    this.current = undefined;
    if (result instanceof Error) job.reject(result);
    else job.resolve(result);
    this.pump();
  }
}

const thread = new ParseThread();

/** Parses in the loader's worker thread, under the request's time and memory limits. */
export function parseInThread(request: ParseRequest): Promise<Spec> {
  return thread.parse(request);
}

/**
 * Starts the loader's worker thread and builds the AsyncAPI parser in it now, in parallel with whatever the caller
 * does next (a command that is about to read a document calls it first). Costs nothing if never followed by a load:
 * the thread never keeps the process alive.
 *
 * @example
 * warmSpecLoader();
 * const { checkRegistry } = require('./registry'); // loads while the parser is being built
 */
export function warmSpecLoader(options: LoadOptions = {}): void {
  thread.warm(limitsOf(effectiveOptions(options)).maxMemoryMb);
}

/**
 * Stops the loader's worker thread, if one is running (it never keeps a process alive while idle; tests and
 * long-lived processes may stop it to free its memory). The next load starts a new one.
 *
 * @example
 * await closeSpecLoader();
 */
export function closeSpecLoader(): Promise<void> {
  return thread.close();
}
