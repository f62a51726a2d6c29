import oclif from 'eslint-config-oclif'

export default [
  {ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', '**/oclif.manifest.json']},
  ...oclif,
  {
    rules: {
      // Commands and tests name things after the domain, not after alphabetical order.
      'perfectionist/sort-classes': 'off',
      'perfectionist/sort-objects': 'off',
      'perfectionist/sort-object-types': 'off',
      'perfectionist/sort-interfaces': 'off',
      'perfectionist/sort-union-types': 'off',
      'perfectionist/sort-switch-case': 'off',
      // The domain is synchronous file and git work inside short critical sections.
      'n/no-sync': 'off',
      // `process.exit()` after execute() is deliberate (ARCHITECTURE §6).
      'n/no-process-exit': 'off',
      'unicorn/no-process-exit': 'off',
      // On-disk and --json formats are snake_case (Spec Kitty 3.2.0 compatibility).
      camelcase: 'off',
      // fast-check and chai are used through their documented default exports.
      'import/no-named-as-default-member': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.js', 'scripts/**/*.js'],
    rules: {
      'no-console': 'off',
      'unicorn/no-array-for-each': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      // Suites share one registry built once per file.
      'mocha/no-top-level-hooks': 'off',
      // One file may hold several suites about one command (merge: parity, scenario D, resume).
      'mocha/max-top-level-suites': 'off',
    },
  },
]
