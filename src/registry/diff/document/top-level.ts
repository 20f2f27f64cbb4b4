// The rest of the document: the `asyncapi` version, `info`, and a catch-all for every other top-level field.
import { isRecord } from '../../../util/records';
import { show } from '../schema/model';
import { docPointer, same, type Collector } from './collector';

/**
 * Reports changes of the top-level fields (channels, operations, servers and components are compared elsewhere,
 * components through what references them; `defaultContentType` through each message's effective content type).
 *
 * @example
 * compareTopLevel(c, oldRaw, newRaw); // SPEC_VERSION_CHANGED at /info/version, ...
 */
export function compareTopLevel(c: Collector, a: Record<string, unknown>, b: Record<string, unknown>): void {
  if (!same(a.asyncapi, b.asyncapi))
    c.doc('/asyncapi', 'ASYNCAPI_VERSION_CHANGED', `${show(a.asyncapi)} -> ${show(b.asyncapi)}`);
  const ia = isRecord(a.info) ? a.info : {};
  const ib = isRecord(b.info) ? b.info : {};
  if (!same(ia.version, ib.version))
    c.doc('/info/version', 'SPEC_VERSION_CHANGED', `${show(ia.version)} -> ${show(ib.version)}`);
  for (const key of [...new Set([...Object.keys(ia), ...Object.keys(ib)])].sort()) {
    if (key === 'version' || same(ia[key], ib[key])) continue;
    c.doc(
      docPointer('info', key),
      key.startsWith('x-') ? 'EXTENSION_CHANGED' : 'DOCUMENTATION_CHANGED',
      `info.${key} changed`,
    );
  }
  c.residual(
    null,
    a,
    b,
    '',
    new Set(['asyncapi', 'info', 'channels', 'operations', 'servers', 'components', 'defaultContentType']),
  );
}
