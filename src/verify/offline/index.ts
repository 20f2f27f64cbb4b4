/** `netra-contracts verify`: recorded sessions against the schemas and every rule, and the reports it prints. */
export { formatJunit, formatText, toJson } from './report';
export { verifySessionFile, verifySessions, verifySessionText } from './verify';
export type { SessionReport, VerifyOptions, VerifyReport } from './verify';
