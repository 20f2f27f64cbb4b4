import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import { SpecError } from './errors';
import type { Spec } from './model';
import type { ParseRequest } from './parse-document';
import type { ParseAnswer, ParseJob } from './parse-worker';
import { effectiveOptions, limitsOf, type LoadOptions } from './limits';

// The main process's side of the loader's worker: one child process, started on the first parse (so that only
// commands that read a document pay for the parser), kept for the next ones, killed and replaced when a parse passes
// the time or memory limit, and stopped after a while without work (its parser holds memory that a long-running
// process, such as the pipeline, needs back). Parses run one at a time; the worker never keeps the process alive
// while idle. A process, not a worker thread: Node 20 aborts the WHOLE process (NodePlatform::ForIsolate assertion)
// when a worker thread hits its heap limit while V8 compiles in the background, which a memory-bomb document made
// happen most of the time; a child at its heap limit only ends itself.

/** How long an idle worker is kept for the next parse. */
const IDLE_MS = 15_000;

interface Job {
  id: number;
  request: ParseRequest;
  resolve: (spec: Spec) => void;
  reject: (err: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** The worker's entry and the Node flags it needs: the compiled `.js` as it is, the `.ts` source through tsx. */
function workerEntry(): { file: string; execArgv: string[] } {
  const file = path.join(__dirname, `parse-worker${path.extname(__filename)}`);
  return { file, execArgv: file.endsWith('.ts') ? ['--require', require.resolve('tsx/cjs')] : [] };
}

/** The last bytes of the worker's stderr: how an out-of-memory end is told from another crash. */
const STDERR_TAIL = 4096;
function failure(
  job: Job,
  code: 'SPEC_TIMEOUT' | 'SPEC_TOO_COMPLEX' | 'SPEC_LOADER_CLOSED',
  what: string,
  message: string,
): SpecError {
  return SpecError.of(code, [{ file: job.request.sourceName, line: 1, col: 1, code: what, message }]);
}

class ParseThread {
  private worker: ChildProcess | undefined;
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
    this.workerFor(memoryMb).send({ warm: true } satisfies ParseJob);
    if (this.current === undefined) this.idle();
  }

  /** No parse to run: the worker may not keep the process alive, and is stopped if nothing comes for a while. */
  private idle(): void {
    const worker = this.worker;
    if (worker === undefined) return;
    setRef(worker, false);
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
    if (worker !== undefined) await stop(worker);
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
    setRef(worker, true);
    const { timeoutMs } = job.request.limits;
    job.timer = setTimeout(() => {
      this.discard();
      this.settle(
        job,
        failure(job, 'SPEC_TIMEOUT', 'timeout', `the parse took longer than the limit of ${timeoutMs / 1000} s`),
      );
    }, timeoutMs);
    worker.send({ id: job.id, request: job.request } satisfies ParseJob);
  }

  private workerFor(memoryMb: number): ChildProcess {
    if (this.worker !== undefined && this.memoryMb === memoryMb) return this.worker;
    this.discard();
    const entry = workerEntry();
    const worker = fork(entry.file, [], {
      execArgv: [...entry.execArgv, `--max-old-space-size=${memoryMb}`],
      // 'advanced': structured clone, as a worker thread's messages were (a Spec holds no functions).
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    worker.stderr?.setEncoding('utf8');
    worker.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
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
    worker.on('error', (err: Error) => this.lost(worker, err.message, false));
    // 'close', not 'exit': stderr is read to its end, so an out-of-memory message is there.
    worker.on('close', (code, signal) =>
      this.lost(worker, `the parser process ended (${signal ?? code})`, /out of memory/i.test(stderr)),
    );
    this.worker = worker;
    this.memoryMb = memoryMb;
    return worker;
  }

  /** The worker died under the current parse (out of memory, or a crash). */
  private lost(worker: ChildProcess, why: string, outOfMemory: boolean): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const job = this.current;
    if (job === undefined) return;
    const message = outOfMemory
      ? `the parse needed more than the limit of ${this.memoryMb} MB of memory`
      : `the parser process failed: ${why}`;
    this.settle(job, failure(job, 'SPEC_TOO_COMPLEX', outOfMemory ? 'out-of-memory' : 'parser-crashed', message));
  }

  private discard(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) void stop(worker);
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

/** Whether the worker (its process, its message channel and its stderr pipe) keeps this process alive. */
function setRef(worker: ChildProcess, ref: boolean): void {
  const stderr = worker.stderr as Socket | null;
  if (ref) {
    worker.ref();
    worker.channel?.ref();
    stderr?.ref();
  } else {
    worker.unref();
    worker.channel?.unref();
    stderr?.unref();
  }
}

/** Kills the worker (it may be in a runaway parse: no polite way out) and resolves once it is gone. */
function stop(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    worker.once('exit', () => resolve());
    worker.kill('SIGKILL');
  });
}

const thread = new ParseThread();

/** Parses in the loader's worker process, under the request's time and memory limits. */
export function parseInThread(request: ParseRequest): Promise<Spec> {
  return thread.parse(request);
}

/**
 * Starts the loader's worker process and builds the AsyncAPI parser in it now, in parallel with whatever the caller
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
 * Stops the loader's worker process, if one is running (it never keeps a process alive while idle; tests and
 * long-lived processes may stop it to free its memory). The next load starts a new one.
 *
 * @example
 * await closeSpecLoader();
 */
export function closeSpecLoader(): Promise<void> {
  return thread.close();
}
