'use strict';
// The V8 settings of the commands that stream volume through the rules engine, and the relaunch that applies them.
//
// Why: the checker keeps each run's first sightings until the run is finalised, 30 s of session time after its
// terminal event (10 s under `load`). With V8's default young generation (16 MB semi-spaces) those objects outlive
// two scavenges, so each is copied twice and promoted, and scavenges took a quarter of the checker's time
// (`node --trace-gc-nvp`: about 45% of what the checker allocates survived a scavenge). With 128 MB semi-spaces most
// of them die young. V8 grows the semi-spaces from their small initial size only while survivors need the room, so a
// short `verify` stays small; a long one pays at most 3 x 128 MB of young generation. `npm run bench:verify` measures
// the checker under the same settings (bench/run.js applies them to the benches that stand for these commands).
//
// Node reads these flags only at start-up (v8.setFlagsFromString cannot resize the heap later), so a command that
// wants them and started without them runs again in a child process with them; one extra start-up (~40 ms).

/** The commands that run the streaming checker over volume: `verify` (session files of any size) and `load`. */
const CHECKER_COMMANDS = new Set(['verify', 'load']);
const CHECKER_V8_FLAGS = ['--max-semi-space-size=128'];
const RELAUNCHED = 'NETRA_RELAUNCHED';
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The flags still missing for `command` (none when it needs none, when node already has them, or when this process
 * is the relaunched one).
 *
 * @example
 * missingFlags('verify', [], {}); // ['--max-semi-space-size=128']
 */
function missingFlags(command, execArgv = process.execArgv, env = process.env) {
  if (!CHECKER_COMMANDS.has(command) || env[RELAUNCHED] === '1') return [];
  const given = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  return CHECKER_V8_FLAGS.filter((flag) => !given.some((g) => g.split('=')[0] === flag.split('=')[0]));
}

/**
 * Runs `script` again in a child node with the checker's V8 flags when `command` needs them; returns false (and
 * does nothing) otherwise. The child shares stdio; signals sent to this process reach it; this process exits with
 * its code (or dies of its signal); if this process is killed outright, the child sees its IPC channel close and
 * stops (`adoptRelaunch`).
 *
 * @example
 * if (relaunchWithCheckerFlags(process.argv[2], __filename)) return;
 */
function relaunchWithCheckerFlags(command, script, args = process.argv.slice(2)) {
  const flags = missingFlags(command);
  if (flags.length === 0) return false;
  // Required here, not at the top: every other command's start-up stays without it.
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, [...flags, ...process.execArgv, script, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED]: '1' },
  });
  const forward = (signal) => child.exitCode === null && child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  child.on('error', (err) => {
    process.stderr.write(`netra-contracts: cannot start node (${err.message})\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    if (signal !== null) process.kill(process.pid, signal);
    else process.exitCode = code ?? 1;
  });
  return true;
}

/**
 * In the relaunched child: the IPC channel to the parent must not keep it alive, and when the parent dies without
 * forwarding a signal (SIGKILL), the child stops as if it had been sent SIGTERM.
 */
function adoptRelaunch() {
  if (process.env[RELAUNCHED] !== '1' || !process.channel) return;
  delete process.env.NETRA_RELAUNCHED; // its own children decide for themselves
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

module.exports = { CHECKER_COMMANDS, CHECKER_V8_FLAGS, missingFlags, relaunchWithCheckerFlags, adoptRelaunch };
