import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'

/**
 * The `keystead` command line as one JavaScript file (out/cli/keystead.js) for plain Node >= 22.12:
 * no type stripping, our sources and the build-time libraries bundled in, the runtime dependencies
 * (native ones among them: better-sqlite3, sharp, @napi-rs/keyring) left as imports, installed by npm
 * next to it. `npm run build:cli`; `npm pack` runs it first (prepack).
 */
const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> }
const runtimeDependencies = Object.keys(pkg.dependencies)
const isExternal = (id: string): boolean =>
  id.startsWith('node:') || builtinModules.includes(id) || runtimeDependencies.some((name) => id === name || id.startsWith(`${name}/`))

export default defineConfig({
  define: { __KEYSTEAD_VERSION__: JSON.stringify(pkg.version) },
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: resolve(import.meta.dirname, 'src-main/cli/main.ts'),
    outDir: resolve(import.meta.dirname, 'out/cli'),
    emptyOutDir: true,
    target: 'node22.12',
    minify: false,
    sourcemap: false,
    rolldownOptions: {
      external: isExternal,
      output: { format: 'es', entryFileNames: 'keystead.js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
})
