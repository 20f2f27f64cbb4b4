import type { Spec } from '../asyncapi';
import { provenance } from './message-schema';
import { commentText } from './source-text';

// Two helpers ajv's standalone code calls on every string, replaced by versions with a fast path for the common
// case and ajv's own function for everything else, so results are identical by construction:
// - string length in code points (ajv walks every character; a string without surrogates has length === .length);
// - `date-time` (ajv-formats splits on a regex; a canonical UTC timestamp can be checked by char codes).
const AJV_UCS2LENGTH = 'require("ajv/dist/runtime/ucs2length").default';
const AJV_DATE_TIME = 'require("ajv-formats/dist/formats").fullFormats["date-time"]';

const RUNTIME_BODY = String.raw`'use strict';

const ajvUcs2length = require('ajv/dist/runtime/ucs2length').default;
const ajvDateTime = require('ajv-formats/dist/formats').fullFormats['date-time'];

const SURROGATE = /[\uD800-\uDFFF]/;

/** Length in Unicode code points, as JSON Schema's minLength/maxLength count it. */
function ucs2length(str) {
  return SURROGATE.test(str) ? ajvUcs2length(str) : str.length;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(str, from, count) {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = str.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/**
 * Fast path for 'YYYY-MM-DDTHH:MM:SS[.fff...]Z' with an ordinary date and time: certainly valid for ajv-formats too.
 * Anything else (offsets, leap seconds, lower-case, invalid) is decided by ajv-formats itself.
 */
function isCanonicalUtc(str) {
  const n = str.length;
  if (n < 20 || str.charCodeAt(n - 1) !== 90 /* Z */) return false;
  if (str.charCodeAt(4) !== 45 || str.charCodeAt(7) !== 45 || str.charCodeAt(10) !== 84 /* T */) return false;
  if (str.charCodeAt(13) !== 58 || str.charCodeAt(16) !== 58) return false;
  if (n > 20) {
    if (str.charCodeAt(19) !== 46 /* . */ || n === 21 || digits(str, 20, n - 21) < 0) return false;
  }
  const year = digits(str, 0, 4);
  const month = digits(str, 5, 2);
  const day = digits(str, 8, 2);
  const hour = digits(str, 11, 2);
  const minute = digits(str, 14, 2);
  const second = digits(str, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return false;
  if (second < 0 || second > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS[month]);
}

const dateTime = {
  validate: (str) => isCanonicalUtc(str) || ajvDateTime.validate(str),
  compare: ajvDateTime.compare,
};

module.exports = { ucs2length, dateTime };
`;

/** `validators/runtime.js`: the fast helpers the per-message validators call. */
export function runtimeModule(spec: Spec): string {
  return `// ${commentText(provenance(spec))}\n${RUNTIME_BODY}`;
}

/** Points ajv's standalone code at the fast helpers of `runtime.js`. */
export function useFastHelpers(code: string): string {
  return code
    .split(AJV_UCS2LENGTH)
    .join('require("./runtime.js").ucs2length')
    .split(AJV_DATE_TIME)
    .join('require("./runtime.js").dateTime');
}
