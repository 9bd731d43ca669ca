import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'
import type { Plugin } from 'vite'
import { CONTENT_SECURITY_POLICY_META } from './src-main/security-policy.ts'
import { precompileMessages } from './scripts/vite/precompile-messages.ts'
import { routerScrollInMemory } from './scripts/vite/router-scroll-in-memory.ts'

/** Puts the strict CSP into index.html for builds; the dev server needs inline styles and its websocket. */
function contentSecurityPolicy(command: 'build' | 'serve'): Plugin {
  const devPolicy = CONTENT_SECURITY_POLICY_META.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    "connect-src 'self' ws://localhost:* http://localhost:*",
  )
  return {
    name: 'keystead-csp',
    transformIndexHtml: (html) => html.replace('%KEYSTEAD_CSP%', command === 'build' ? CONTENT_SECURITY_POLICY_META : devPolicy),
  }
}

export default defineConfig(({ command }) => ({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: resolve(import.meta.dirname, 'src-main/index.ts'), formats: ['es'] },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: resolve(import.meta.dirname, 'src-preload/index.ts'), formats: ['cjs'] },
      rolldownOptions: { output: { entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    // Every component is <script setup>: the Options API's code (data, methods, mixins) leaves the bundle.
    // The build compiles the message files (src/i18n/messages) itself and keeps vue-router's scroll positions in
    // memory (see scripts/vite): both take work off the first paint.
    plugins: [
      vue({ features: { optionsAPI: false } }),
      contentSecurityPolicy(command),
      precompileMessages(/[\\/]src-renderer[\\/]src[\\/]i18n[\\/]messages[\\/][^\\/]+[\\/][^\\/]+\.ts$/),
      routerScrollInMemory(),
    ],
    // vue-i18n's compile-time flags: Composition API only (createI18n({ legacy: false })), no devtools hooks in
    // production, and no global $t or <i18n-t> components (every component calls useI18n()). The build's messages
    // arrive compiled, so vue-i18n's message compiler is left out (the dev server compiles them at run time).
    define: {
      __VUE_I18N_FULL_INSTALL__: 'false',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
      __INTLIFY_DROP_MESSAGE_COMPILER__: command === 'build' ? 'true' : 'false',
    },
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default; the shipped bundle should be minified.
      minify: true,
      rolldownOptions: {
        input: resolve(import.meta.dirname, 'src-renderer/index.html'),
        // The first paint's request chain: everything the entry loads statically (Vue and its libraries, the app
        // shell, the sign-in screen, English) is one script and one stylesheet, fetched in parallel from index.html.
        // Left to itself rolldown splits the modules the lazy screens share with the entry into their own chunks
        // (the Vue runtime, small helpers): more round trips before the first paint. The other screens and Turkish
        // and German stay lazy chunks (the initial-JS budget in the bench counts what this group holds).
        output: { codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] } },
      },
    },
  },
}))
