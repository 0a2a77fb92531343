import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Layer rules from ../shared/STYLE.md: dependencies point one way,
// cli/server -> app -> http -> services -> engine | storage, and http -> spec.
const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read untyped JSON bodies.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: forbid(
      [
        'fastify',
        'better-sqlite3',
        'node:fs',
        'node:fs/*',
        'fs',
        '**/storage/**',
        '**/services/**',
        '**/http/**',
        '**/app.js',
      ],
      'src/engine is pure: no I/O, no storage, no HTTP.',
    ),
  },
  {
    files: ['src/storage/**/*.ts'],
    rules: forbid(
      ['fastify', '**/services/**', '**/http/**', '**/app.js'],
      'storage must not import services or http.',
    ),
  },
  {
    files: ['src/services/**/*.ts'],
    rules: forbid(['fastify', 'better-sqlite3', '**/http/**', '**/app.js'], 'services: no fastify, no SQL.'),
  },
  {
    files: ['src/spec/**/*.ts'],
    rules: forbid(
      ['fastify', 'better-sqlite3', '**/http/**', '**/services/**', '**/storage/**'],
      'spec only loads documents.',
    ),
  },
);
