import oclif from 'eslint-config-oclif'

export default [
  {ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', '**/oclif.manifest.json', '.stryker-tmp/**', 'reports/**']},
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
    // Plugins reach the core only through spec-kitty/api (types) and the runtime it lends them on
    // the oclif config's options: never through its files, so a core refactor cannot break a plugin.
    files: ['plugins/*/src/**/*.ts', 'test/fixtures/plugins/**/*.{js,ts}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{message: 'Plugins import only spec-kitty/api.', name: 'spec-kitty'}],
        patterns: [{group: ['**/src/**', '**/dist/**', 'spec-kitty/*', '!spec-kitty/api'], message: 'Plugins import only spec-kitty/api, and only types; use the runtime on config.options.specKitty for mechanisms.'}],
      }],
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{allowTypeImports: true, message: 'Only types come from spec-kitty/api; mechanisms come from config.options.specKitty at run time.', name: 'spec-kitty/api'}],
      }],
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
