'use strict';
// Orders the suites longest first, as Jest's own sequencer does from the timings it cached on earlier runs. On a fresh
// clone (CI) there is no such cache and Jest falls back to file size, which can leave a minute-long suite to start
// last while the other workers sit idle: there, the durations in suite-seconds.json (seconds, measured on the 2-core
// machine, the slow suites only) stand in. Only the order changes; every suite still runs.
// Refresh it from a run's `jest --json --outputFile=t.json`: testResults[].name and endTime - startTime.
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const measured = require('./suite-seconds.json');

const ROOT = path.join(__dirname, '..', '..');

class SlowFirstSequencer extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached !== undefined) return cached;
    const seconds = measured[path.relative(ROOT, test.path).split(path.sep).join('/')];
    return seconds === undefined ? undefined : seconds * 1000;
  }
}

module.exports = SlowFirstSequencer;
