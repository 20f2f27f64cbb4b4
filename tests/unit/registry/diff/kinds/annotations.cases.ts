import type { KindCase } from './case';

const s = (extra: Record<string, unknown>): Record<string, unknown> => ({ type: 'string', ...extra });

export const annotationCases: KindCase[] = [
  {
    kind: 'DESCRIPTION_CHANGED',
    breaks: 'none',
    old: s({ description: 'a' }),
    new: s({ description: 'b' }),
    path: '/description',
    mirror: 'DESCRIPTION_CHANGED',
  },
  {
    kind: 'TITLE_CHANGED',
    breaks: 'none',
    old: s({}),
    new: s({ title: 'T' }),
    path: '/title',
    mirror: 'TITLE_CHANGED',
  },
  {
    kind: 'DEFAULT_CHANGED',
    breaks: 'none',
    old: s({ default: 'a' }),
    new: s({ default: 'b' }),
    path: '/default',
    mirror: 'DEFAULT_CHANGED',
  },
  {
    kind: 'EXAMPLES_CHANGED',
    breaks: 'none',
    old: s({ examples: ['a'] }),
    new: s({ examples: ['b'] }),
    path: '/examples',
    mirror: 'EXAMPLES_CHANGED',
  },
  {
    kind: 'EXAMPLES_CHANGED',
    breaks: 'none',
    old: s({ example: 'a' }),
    new: s({}),
    path: '/example',
    mirror: 'EXAMPLES_CHANGED',
    note: 'OpenAPI-style singular example',
  },
  {
    kind: 'DEPRECATED_CHANGED',
    breaks: 'none',
    old: s({}),
    new: s({ deprecated: true }),
    path: '/deprecated',
    mirror: 'DEPRECATED_CHANGED',
  },
  {
    kind: 'ANNOTATION_CHANGED',
    breaks: 'none',
    old: s({}),
    new: s({ readOnly: true }),
    path: '/readOnly',
    mirror: 'ANNOTATION_CHANGED',
  },
  {
    kind: 'ANNOTATION_CHANGED',
    breaks: 'none',
    old: s({ $comment: 'x' }),
    new: s({ $comment: 'y' }),
    path: '/$comment',
    mirror: 'ANNOTATION_CHANGED',
  },
  {
    kind: 'EXTENSION_CHANGED',
    breaks: 'none',
    old: s({ 'x-go-type': 'A' }),
    new: s({ 'x-go-type': 'B' }),
    path: '/x-go-type',
    mirror: 'EXTENSION_CHANGED',
  },
];
