import fc from 'fast-check';

// Property tests explore with a random seed on developers' machines (fast-check prints the seed of any failure, to
// replay it with FC_SEED), and with a fixed seed under CI so that a merge is never failed by a counterexample the
// change did not cause.
const seed = process.env.FC_SEED ?? (process.env.CI ? '20261124' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
