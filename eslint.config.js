// @ts-check
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

/**
 * Layering, enforced (after VS Code's code-layering rule):
 *   ipc | cli | http -> services -> db;  contract has no runtime imports;
 *   only src-main/index.ts, window.ts, platform/electron-*.ts and src-preload/index.ts may import electron;
 *   the renderer imports only types from the contract, never main or node.
 */
const noElectron = {
  name: 'electron',
  message: 'Only the Electron shell (src-main/index.ts, window.ts, platform/electron-*.ts, src-preload/index.ts) may import electron.',
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results.json'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a frozen object and a derived union instead of enum.' }],
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/no-v-html': 'error',
    },
  },
  {
    // Write transactions go through writeTransaction() (BEGIN IMMEDIATE): a deferred BEGIN that reads first gets an
    // immediate SQLITE_BUSY when another process (app, CLI, local API) commits in between.
    files: ['src-main/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a frozen object and a derived union instead of enum.' },
        {
          selector: "CallExpression[callee.property.name='transaction']",
          message: 'Use writeTransaction(db, work) from src-main/db/database.ts: it takes the write lock at BEGIN (IMMEDIATE).',
        },
      ],
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-preload/contract/**/*.ts', 'src-preload/create-api.ts'],
    ignores: ['src-main/index.ts', 'src-main/window.ts', 'src-main/platform/electron-*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['src-main/services/**/*.ts', 'src-main/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/ipc/**', '**/cli/**', '**/http/**', '**/platform/electron-*'], message: 'Services and db do not import the faces (ipc, cli, http).' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/ipc/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['**/cli/**', '**/http/**'], message: 'The faces do not import each other.' }] }],
    },
  },
  {
    files: ['src-main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['**/ipc/**', '**/platform/electron-*'], message: 'The faces do not import each other.' }] }],
    },
  },
  {
    files: ['src-main/http/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ group: ['**/ipc/**', '**/cli/**', '**/platform/electron-*'], message: 'The faces do not import each other.' }] }],
    },
  },
  {
    files: ['src-preload/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: [{ regex: '^(?!\\./).*', message: 'The contract imports nothing but itself.' }] }],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            { group: ['**/src-main/**', 'node:*'], message: 'The renderer never imports main-process or Node code.' },
            { group: ['**/src-preload/contract/*'], allowTypeImports: true, message: 'The renderer imports only types from the contract.' },
            { group: ['**/src-preload/*.ts', '!**/src-preload/contract/**'], message: 'The renderer reaches the preload only through window.keystead (src/api.ts).' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
