import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'
import type { Plugin } from 'vite'
import { CONTENT_SECURITY_POLICY_META } from './src-main/security-policy.ts'

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

/**
 * The first screen's chunks (the sign-in view and everything it imports statically, and its CSS) are announced in
 * index.html, so the browser fetches them side by side with the entry instead of one after another once the router
 * asks for the view (the request chain before the first paint).
 */
function preloadFirstScreen(viewFile: string): Plugin {
  return {
    name: 'keystead-preload-first-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle
        if (!bundle) return html
        const chunks = Object.values(bundle).filter((item) => item.type === 'chunk')
        const view = chunks.find((chunk) => chunk.facadeModuleId?.endsWith(viewFile))
        if (!view) throw new Error(`preloadFirstScreen: no chunk for ${viewFile}`)
        const scripts = new Set<string>()
        const styles = new Set<string>()
        const visit = (fileName: string) => {
          const chunk = chunks.find((c) => c.fileName === fileName)
          if (!chunk || scripts.has(fileName) || chunk.isEntry) return
          scripts.add(fileName)
          for (const css of (chunk as { viteMetadata?: { importedCss?: Set<string> } }).viteMetadata?.importedCss ?? []) styles.add(css)
          for (const imported of chunk.imports) visit(imported)
        }
        visit(view.fileName)
        const links = [
          ...[...scripts].filter((file) => !html.includes(file)).map((file) => `<link rel="modulepreload" crossorigin href="./${file}">`),
          ...[...styles].filter((file) => !html.includes(file)).map((file) => `<link rel="stylesheet" crossorigin href="./${file}">`),
        ]
        return html.replace('</head>', `    ${links.join('\n    ')}\n  </head>`)
      },
    },
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
    plugins: [vue(), contentSecurityPolicy(command), preloadFirstScreen('/views/SignInView.vue')],
    // vue-i18n's compile-time flags: Composition API only (createI18n({ legacy: false })), no devtools hooks in production.
    define: {
      __VUE_I18N_FULL_INSTALL__: 'true',
      __VUE_I18N_LEGACY_API__: 'false',
      __INTLIFY_PROD_DEVTOOLS__: 'false',
    },
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default; the shipped bundle should be minified.
      minify: true,
      rolldownOptions: { input: resolve(import.meta.dirname, 'src-renderer/index.html') },
    },
  },
}))
