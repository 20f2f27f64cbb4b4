import { mkdirSync, writeFileSync } from 'fs';
import path from 'path';
import { loadProfiles, loadRules, type RuleSet, type Violation } from '../../rules';
import { parseSessionText, readSession } from '../../sessions/reader';
import type { Session } from '../../sessions/types';
import type { TokenVia } from '../client';
import { canPresent, sharedIdentityOf } from '../record';
import { verifySessionText } from '../offline';
import type { Target } from '../targets/types';
import { contractDifferences } from './contract';
import { planReplay } from './plan';
import { Replayer, replayUserPrefix } from './replayer';
import { compareShapes, sessionShape, type IdMapping, type ShapeDifference } from './shape';

/** How replay compares the live traffic with the recording. */
export type ShapeMode = 'contract' | 'strict';

export interface ReplayOptions {
  /** The live provider and where its tokens come from. */
  target: Target;
  /**
   * `contract` (default): only what the contract fixes (see `contractDifferences`). `strict`: also the agent's plan
   * (tools, their order and grouping, agent names, error codes), and the recorded user ids (the reference agent's
   * sample workload depends on them): for regression tests of the reference provider on a provider of its own.
   */
  shape?: ShapeMode;
  /** How every connection presents its token (the recording does not say). Default `header`. */
  via?: TokenVia;
  /** How long to wait for the live traffic to reach each point the recorded client waited for. Default 20000. */
  gateTimeoutMs?: number;
  /** Longest recorded client pause reproduced, ms. Default 10000. */
  maxPauseMs?: number;
  /** Timing profile of the rules check on the live traffic (default: the target's, else the profiles file's). */
  profile?: string;
  /** Rules to check the live traffic with (default `contracts/rules`). */
  rules?: RuleSet;
  /** Also write the live session to this file. */
  liveOut?: string;
  /** Prefix of live user ids. Default: fresh per replay (`contract`), the recorded ids (`strict`). */
  userPrefix?: string;
}

/** Result of replaying one recorded session. */
export interface ReplayReport {
  file: string;
  scenario?: string;
  shape: ShapeMode;
  /** No difference, no rule violation, no problem, not skipped. */
  ok: boolean;
  /** Set when the target cannot replay the session (a token kind its source cannot make): neither ok nor failed. */
  skipped?: string;
  /** Where the live traffic differs from the recording (in the selected shape mode). */
  differences: ShapeDifference[];
  /** Error-severity rule violations found in the live traffic. */
  violations: Violation[];
  /** Points the live traffic never reached, connections that failed, and the like. */
  problems: string[];
  /** The live traffic as a session file. */
  liveText: string;
  /** The live session, parsed. */
  live?: Session;
  /** Recorded request_id -> the fresh one sent live. */
  requestIds: Map<string, string>;
}

function skippedReport(session: Session, shape: ShapeMode, reason: string): ReplayReport {
  const base = { file: session.file, scenario: session.header.scenario, shape, ok: false, skipped: reason };
  return { ...base, differences: [], violations: [], problems: [], liveText: '', requestIds: new Map() };
}

/**
 * Provider verification: replays the client side of a recorded session against a live target (fresh tokens from the
 * target's token source, of the recorded kinds and lifetimes; fresh request ids and, by default, fresh user ids) and
 * checks the live traffic: every rule must hold, and it must match the recording in what the contract fixes
 * (`shape: 'contract'`) or also in the agent's plan (`shape: 'strict'`).
 *
 * @example
 * const report = await replaySession(await readSession('contracts/sessions/drop-resume.session.jsonl'), { target });
 * report.ok; // true
 */
export async function replaySession(session: Session, options: ReplayOptions): Promise<ReplayReport> {
  const shape = options.shape ?? 'contract';
  const plan = planReplay(session);
  const shared = sharedIdentityOf(options.target);
  if (shared !== undefined)
    return skippedReport(session, shape, `replay presents the recorded users' own tokens; ${shared}`);
  for (const conn of plan.conns.values()) {
    const can = canPresent(options.target, conn.token);
    if (can !== true) return skippedReport(session, shape, can);
  }
  const userPrefix = options.userPrefix ?? replayUserPrefix(shape === 'strict');
  const replayer = new Replayer(session, plan, {
    target: options.target,
    via: options.via ?? 'header',
    gateTimeoutMs: options.gateTimeoutMs ?? 20_000,
    maxPauseMs: options.maxPauseMs ?? 10_000,
    userPrefix,
  });
  const traffic = await replayer.run();
  const live = parseSessionText(traffic.liveText, `${session.file} (live)`);
  if (options.liveOut !== undefined) {
    mkdirSync(path.dirname(path.resolve(options.liveOut)), { recursive: true });
    writeFileSync(options.liveOut, traffic.liveText);
  }
  const rules = options.rules ?? loadRules();
  const profile = loadProfiles().get(options.profile ?? options.target.profile);
  const verified = verifySessionText(traffic.liveText, live.file, { rules, profile });
  const ids: IdMapping = {
    requestIdOf: (id) => traffic.recordedRequest.get(id) ?? id,
    userOf: (user) => replayer.recordedUser(user),
  };
  const differences =
    shape === 'strict'
      ? compareShapes(sessionShape(session), sessionShape(live, ids))
      : contractDifferences(session, live, ids);
  return {
    file: session.file,
    scenario: session.header.scenario,
    shape,
    ok: differences.length === 0 && verified.violations.length === 0 && traffic.problems.length === 0,
    differences,
    violations: verified.violations,
    problems: traffic.problems,
    liveText: traffic.liveText,
    live,
    requestIds: traffic.requestIds,
  };
}

/**
 * Reads a session file and replays it (see {@link replaySession}).
 *
 * @example
 * const report = await replayFile('contracts/sessions/two-tabs.session.jsonl', { target });
 */
export async function replayFile(file: string, options: ReplayOptions): Promise<ReplayReport> {
  return replaySession(await readSession(file), options);
}

/**
 * Replays several session files against one target, `concurrency` at a time (default: all at once; user ids are
 * distinct across replays: fresh prefixes, or in strict mode the sessions' own, which must not share a user).
 * Reports come back in the order of `files`; `liveOutDir` keeps each live session as `<name>.live.session.jsonl`.
 *
 * @example
 * const reports = await replayAll(files, { target, concurrency: 4 });
 */
export async function replayAll(
  files: string[],
  options: ReplayOptions & { concurrency?: number; liveOutDir?: string; onReport?: (report: ReplayReport) => void },
): Promise<ReplayReport[]> {
  const reports: ReplayReport[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const file = files[index];
      const name = path.basename(file).replace(/\.session\.jsonl$|\.jsonl$/, '');
      const liveOut =
        options.liveOutDir !== undefined
          ? path.join(options.liveOutDir, `${name}.live.session.jsonl`)
          : options.liveOut;
      reports[index] = await replayFile(file, { ...options, ...(liveOut !== undefined ? { liveOut } : {}) });
      options.onReport?.(reports[index]);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? files.length, files.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return reports;
}
