// ESLint (flat config), run by `npm run lint`: typescript-eslint's type-checked recommended rules on every TypeScript
// file, the plain recommended rules on the JavaScript ones (benchmarks, scripts, configs, the GraphiQL page's source),
// no unused code anywhere, and no style rules (Prettier owns the layout).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Unused code is an error; a leading `_` marks a parameter or binding kept for its position, as `noUnusedParameters` allows. */
const noUnusedVars = [
  'error',
  { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
];

export default defineConfig(
  {
    // Generated (checked for drift by `npm run codegen:check`), built or vendored output.
    ignores: [
      'src/generated/',
      'examples/client/generated/',
      'examples/web/src/generated/',
      'examples/web/dist/',
      'dist/',
      'emulators/dist/',
      'src/server/graphiql/assets/',
      'bench/results/',
      'test-results/',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.{js,mjs,cjs,jsx}'],
    extends: [js.configs.recommended],
    languageOptions: {
      // typescript-eslint's parser without type information: it counts JSX tags as uses of the components they name.
      parser: tseslint.parser,
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: { ...globals.node },
    },
    rules: { 'no-unused-vars': noUnusedVars },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.commonjs } },
  },
  {
    files: ['web/**/*.jsx'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.{ts,mts,cts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      // Each file is checked with the tsconfig.json nearest to it: the gateway's, or the emulators package's.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': noUnusedVars,
      // Off: the `async` functions without `await` implement Apollo Server's promise-returning interfaces (plugin hooks,
      // the context function, the gateway's load, stores); `async` keeps a throw a rejection, so Apollo still runs the
      // other plugins' hooks (admission frees its slot in one).
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The example front-end runs in browsers.
    files: ['examples/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts', 'emulators/test/**/*.ts'],
    rules: {
      // Off in tests only: they assert on JSON bodies whose shape is the thing under test, read as `any`; typing every
      // response would restate the schema and the emulators' wire types in each test. So `any` is written (helpers'
      // response types, callbacks over response arrays, which noImplicitAny makes declare it) and used unchecked.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
);
