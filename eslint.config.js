// ESLint (flat config): typescript-eslint strict, Prettier for layout, and the house rules that keep the layers
// honest: imports run one way down the pipeline (boundaries), no import cycles (import-x), no function in src/
// past 100 lines.
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const importX = require('eslint-plugin-import-x');
const boundaries = require('eslint-plugin-boundaries');
const prettier = require('eslint-config-prettier');
const { createTypeScriptImportResolver } = require('eslint-import-resolver-typescript');

// The layers of src/, lowest first; each may import only the layers listed for it (and itself).
const LAYERS = {
  util: [],
  asyncapi: ['util'],
  codegen: ['util', 'asyncapi'],
  registry: ['util', 'asyncapi'],
  protocol: ['util'],
  sessions: ['util', 'protocol'],
  rules: ['util', 'protocol', 'sessions'],
  auth: ['util'],
  agents: ['util'],
  chaos: ['util'],
  provider: ['util', 'protocol', 'auth', 'agents'],
  verify: ['util', 'protocol', 'sessions', 'rules', 'auth', 'chaos'],
  docs: ['util', 'asyncapi', 'codegen', 'registry', 'protocol', 'sessions', 'rules'],
  pipeline: [
    'util',
    'asyncapi',
    'codegen',
    'registry',
    'protocol',
    'sessions',
    'rules',
    'auth',
    'agents',
    'chaos',
    'provider',
    'verify',
    'docs',
  ],
  cli: [
    'util',
    'asyncapi',
    'codegen',
    'registry',
    'protocol',
    'sessions',
    'rules',
    'auth',
    'agents',
    'chaos',
    'provider',
    'verify',
    'docs',
    'pipeline',
  ],
};

module.exports = tseslint.config(
  { ignores: ['generated/**', 'node_modules/**', 'reports/**', 'tmp/**', 'dist/**', 'interop/**', '.helpers/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
    plugins: { 'import-x': importX, boundaries },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
      'boundaries/elements': Object.keys(LAYERS).map((layer) => ({
        type: layer,
        pattern: `src/${layer}`,
      })),
      'boundaries/include': ['src/**/*.ts'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: Object.entries(LAYERS).map(([layer, allowed]) => ({
            from: { element: { type: layer } },
            allow: { to: { element: { types: { anyOf: [layer, ...allowed] } } } },
          })),
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        console: 'readonly',
      },
    },
  },
  prettier,
);
