// A `$ref` whose fragment holds a malformed %-escape is a broken reference, never an exception.
import { followRef, localDocument } from '../../../src/asyncapi';

it('followRef reports a malformed %-escape as broken', () => {
  const documents = localDocument({ a: { type: 'string' }, b: { $ref: '#/a%' } });
  expect(followRef(documents, '', '#/a%zz')).toMatchObject({ ok: false, reason: 'broken' });
  expect(followRef(documents, '', '#/b')).toMatchObject({ ok: false, reason: 'broken' });
  expect(followRef(documents, '', '#/a')).toMatchObject({ ok: true, value: { type: 'string' } });
});
