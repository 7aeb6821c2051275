// Type-aware linting (typescript-eslint), run by `npm test` (npm run lint) over src/, functions/,
// bench/ and test/. The recommended type-checked set, with two deliberate departures:
// - require-await is off: an async method that does not await implements a Promise-returning
//   interface (the snapshot provider, test doubles), which is what the interface asks for;
// - tests may read parsed JSON without declaring its type (the no-unsafe family and
//   no-base-to-string are off in test/), since asserting on an untyped document is what they do.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.azurite/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs', 'vitest.config.mts'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
);
