/**
 * Recording: scenarios run against a live target, every frame written to a session file
 * (`contracts/sessions/<name>.session.jsonl`).
 */
export { RecordError } from './errors';
export type { RecordErrorCode } from './errors';
export { Naming } from './naming';
export { freshUserPrefix, recordAll, recordScenario, runRecording } from './recorder';
export type { RecordOptions, RecordOutcome, RecordResult } from './recorder';
export { canPresent, present, sharedIdentityOf, subjectOf } from './tokens';
