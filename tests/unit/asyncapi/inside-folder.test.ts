// The loader's one "inside the root folder" check.
import * as path from 'node:path';
import { isInsideFolder } from '../../../src/asyncapi/inside-folder';

const dir = path.resolve('/docs/project');

it.each([
  [dir, true],
  [path.join(dir, 'a.yaml'), true],
  [path.join(dir, '..shared.yaml'), true],
  [path.join(dir, 'sub', '..', 'b.yaml'), true],
  [path.resolve(dir, '..'), false],
  [path.resolve(dir, '..', 'secret.yaml'), false],
  [path.resolve(dir, '..', 'project-other', 'a.yaml'), false],
])('%s inside the folder: %s', (file, inside) => {
  expect(isInsideFolder(dir, file)).toBe(inside);
});
