// Closing the loader settles what it was doing: the parse in flight and the queued ones are refused at once with a
// typed error, instead of waiting for their time limit.
import { closeSpecLoader, loadSpecFromString, SpecError } from '../../../src/asyncapi';

const DOC = `asyncapi: 3.0.0
info: { title: Closed, version: 1.0.0 }
channels:
  c:
    address: /c
    messages:
      m: { payload: { type: string } }
`;

afterAll(() => closeSpecLoader());

it('refuses the parse in flight and the queued ones with SPEC_LOADER_CLOSED', async () => {
  const limits = { timeoutMs: 20_000 };
  const outcomes = [loadSpecFromString(DOC, 'a.yaml', { limits }), loadSpecFromString(DOC, 'b.yaml', { limits })].map(
    (p) =>
      p.then(
        () => 'parsed',
        (err: unknown) => err,
      ),
  );
  await closeSpecLoader();
  const errors = await Promise.all(outcomes);
  for (const err of errors) {
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).code).toBe('SPEC_LOADER_CLOSED');
  }
});

it('parses again after a close (a new worker)', async () => {
  await closeSpecLoader();
  const spec = await loadSpecFromString(DOC, 'c.yaml');
  expect(spec.title).toBe('Closed');
}, 60_000);
