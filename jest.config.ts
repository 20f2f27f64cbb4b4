import { availableParallelism } from 'node:os';
import type { Config } from 'jest';

// One Jest project per test level. `npm test` runs the fast ones; stress and browser tiers have their own scripts.
// Transpile-only with esbuild, as dist/ is built (no type check per file; `npm run typecheck` does that once).
const transform: Config['transform'] = {
  '^.+\\.ts$': '<rootDir>/tests/setup/esbuild-transform.js',
};

function project(name: string, testMatch: string[], extra: Partial<Config> = {}): Config {
  return {
    displayName: name,
    testEnvironment: 'node',
    transform,
    moduleFileExtensions: ['ts', 'js', 'json'],
    setupFiles: ['<rootDir>/tests/setup/fast-check.ts'],
    testMatch: testMatch.map((m) => `<rootDir>/${m}`),
    ...extra,
  };
}

const config: Config = {
  // Generous: tests start real servers and parse real documents on a shared 2-core machine. Speed targets live in
  // bench/, never in test timeouts.
  testTimeout: 30_000,
  // Most suites spend their time waiting on real servers and CLI child processes, not on the CPU of the Jest worker:
  // at least three workers even on a 2-core machine (Jest's default there is one, which runs the suites one by one;
  // with two, `npm test` used about 185 s of CPU over 230 s of wall time on 2 cores, the workers mostly waiting).
  maxWorkers: Math.max(3, availableParallelism() - 1),
  // dist/ brought up to date with src/ once, so the CLI the tests start runs compiled (see tests/setup/build-dist.js).
  globalSetup: '<rootDir>/tests/setup/build-dist.js',
  // Longest suites first even on a fresh clone, where Jest has no timings cached (see tests/setup/sequencer.js).
  testSequencer: '<rootDir>/tests/setup/sequencer.js',
  projects: [
    project('unit', ['tests/unit/**/*.test.ts']),
    project('contracts', ['tests/contracts/**/*.test.ts']),
    project('integration', ['tests/integration/**/*.test.ts']),
    project('e2e', ['tests/e2e/**/*.test.ts']),
    project('mission-critical', ['tests/mission-critical/**/*.test.ts']),
    project('security', ['tests/security/**/*.test.ts']),
    project('stress', ['tests/stress/**/*.test.ts']),
    project('browser', ['tests/browser/**/*.test.ts']),
    project('interop', ['tests/interop/**/*.test.ts']),
    // Needs Redis on 127.0.0.1:6379 (and redis-server on PATH for the restart case): `npm run test:cluster`.
    project('cluster', ['tests/cluster/**/*.test.ts']),
  ],
};

export default config;
