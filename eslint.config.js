// ESLint 9 flat config: `npm run lint`. Formatting is Prettier's job (`npm run format:check`); the
// import graph (cycles, `node:` in the core, file length) is scripts/check-structure.ts's.
//
// Base: @eslint/js recommended + typescript-eslint recommended (syntactic, fast). On top, a few
// type-aware rules for the bugs tsc does not catch (a promise nobody awaits, an async callback
// where a sync one is expected); they need the type checker but, as a short list, cost about
// 2 s on this repository where typescript-eslint's whole recommendedTypeChecked set costs 9 s and
// flags mostly `any` from JSON.parse in tests.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { fileURLToPath } from 'node:url';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TERMINAL_LIBRARIES = ['chalk', 'ora', 'cli-progress', 'commander'];

export default defineConfig(
  {
    ignores: [
      'dist/',
      '.gpu-bench/',
      'node_modules/',
      'coverage/',
      'checkpoints/',
      'corpora/',
      'test/fixtures/',
      // AssemblyScript, not TypeScript: function decorators (@inline), i32/f32/v128 builtins.
      'asm/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused; `{ drop: _drop, ...rest }` omits a key.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      eqeqeq: ['error', 'always'],
      'prefer-const': ['error', { destructuring: 'all' }],
      'no-var': 'error',
      'object-shorthand': ['error', 'properties'],
      // Regexes that strip ANSI escapes or characters XML forbids spell control characters on purpose.
      'no-control-regex': 'off',
      // Output goes through the streams a command is handed (src/cli/io.ts), never the console;
      // benchmarks and scripts are exempt below.
      'no-console': 'error',
    },
  },
  {
    // Type-aware rules, TypeScript files only (the .js/.mjs/.cjs files are outside tsconfig.json).
    files: ['**/*.ts', '**/*.mts', '**/*.cts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)) } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Casts the checker already knows; a warning for now: some document a type on purpose.
      '@typescript-eslint/no-unnecessary-type-assertion': 'warn',
    },
  },
  {
    // GUIDE.md §3: src/cli is the only code that uses the terminal libraries, writes to
    // stdout/stderr or sets exit codes; the rest throws typed errors and reports through
    // callbacks. (`node:` imports in the core are check:structure's: it knows the core's bounds.)
    files: ['src/**'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: TERMINAL_LIBRARIES.map((name) => ({ name, message: 'Terminal libraries belong in src/cli (GUIDE.md §3).' })) },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only the command line sets exit codes: throw a typed error.' },
        { object: 'process', property: 'exitCode', message: 'Only the command line sets exit codes: throw a typed error.' },
        { object: 'process', property: 'stdout', message: 'Only the command line prints: report through a callback.' },
        { object: 'process', property: 'stderr', message: 'Only the command line prints: report through a callback.' },
      ],
    },
  },
  {
    // The core (src/ but the front ends and the Node platform, as in check:structure, which checks
    // its imports) runs in browsers too: no Node globals either.
    files: ['src/**'],
    ignores: ['src/cli/**', 'src/platform/node/**', 'src/server/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'global', 'setImmediate', 'clearImmediate', 'require', '__dirname', '__filename'].map((name) => ({
          name,
          message: `'${name}' is Node's: the core runs in browsers too (GUIDE.md §3); use the platform, or a web API.`,
        })),
      ],
    },
  },
  {
    // The exported page's code runs in a browser (src/web, typed with the DOM by src/web/tsconfig.json).
    files: ['src/web/**', 'examples/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Tests that corrupt checkpoint and safetensors headers edit parsed JSON of any shape.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Benchmarks and scripts are small programs whose output is the point.
    files: ['bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // CommonJS preloads (node --require) have no `import`.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
