import type { Plugin } from 'vite'

// vue-router 5 keeps the scroll positions of history entries in sessionStorage, read when its module loads:
// `JSON.parse(sessionStorage['vue-router:scroll'])`, which in a fresh window is the first sessionStorage access
// (a synchronous call to the browser process) and throws (no entry yet: `JSON.parse(undefined)`), before anything
// paints; every navigation writes the object back. Only a router `scrollBehavior` ever reads those positions, and
// Keystead's router has none (test/renderer/router-scroll.test.ts checks both), so the positions stay in memory.
const READ = 'const scrollPositions = /*#__PURE__*/ readScrollPositions();'
const WRITE = 'sessionStorage[SCROLL_KEY] = JSON.stringify(scrollPositions);'

/** Rewrites vue-router's scroll-position store to memory; fails the build when vue-router's code no longer matches. */
export function routerScrollInMemory(): Plugin {
  return {
    name: 'keystead-router-scroll-in-memory',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/]vue-router[\\/]dist[\\/]/.test(id) || !code.includes('readScrollPositions')) return null
      if (!code.includes(READ) || !code.includes(WRITE)) {
        throw new Error(`vue-router's scroll-position store changed (${id}): update scripts/vite/router-scroll-in-memory.ts`)
      }
      return { code: code.replace(READ, 'const scrollPositions = {};').replace(WRITE, ''), map: null }
    },
  }
}
