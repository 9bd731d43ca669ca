// @vitest-environment happy-dom
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { createPinia, setActivePinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import type { Plugin } from 'vite'
import { routerScrollInMemory } from '../../scripts/vite/router-scroll-in-memory.ts'
import { createKeysteadRouter } from '../../src-renderer/src/router.ts'

const ROUTER_DIST = join(import.meta.dirname, '../../node_modules/vue-router/dist')

function transformWith(plugin: Plugin, code: string, id: string): { code: string } | null {
  const transform = plugin.transform as (this: unknown, code: string, id: string) => { code: string } | null
  return transform.call({}, code, id)
}

describe("vue-router's scroll positions in memory (production build)", () => {
  it('rewrites the installed vue-router: no sessionStorage read when the module loads, none written on navigation', () => {
    const plugin = routerScrollInMemory()
    const withStore = readdirSync(ROUTER_DIST).filter((file) => file.endsWith('.js') && readFileSync(join(ROUTER_DIST, file), 'utf8').includes('readScrollPositions'))
    // The ES build the renderer bundles keeps the store in one shared file.
    const shared = withStore.filter((file) => !/esm-browser|global/.test(file))
    expect(shared).toHaveLength(1)
    const id = join(ROUTER_DIST, shared[0]!)
    const source = readFileSync(id, 'utf8')
    expect(source).toMatch(/sessionStorage\[SCROLL_KEY\] = /)
    const result = transformWith(plugin, source, id)
    expect(result).not.toBeNull()
    expect(result!.code).toContain('const scrollPositions = {};')
    expect(result!.code).not.toMatch(/= \/\*#__PURE__\*\/ readScrollPositions\(\)/)
    expect(result!.code).not.toMatch(/sessionStorage\[SCROLL_KEY\] = /)
    // Other files are left alone.
    expect(transformWith(plugin, source, join(import.meta.dirname, 'other.js'))).toBeNull()
    expect(transformWith(plugin, 'export const x = 1', join(ROUTER_DIST, 'vue-router.js'))).toBeNull()
  })

  it('fails the build when vue-router changes the store, instead of leaving it as it is', () => {
    const changed = 'function readScrollPositions() { return {} }\nconst scrollPositions = readScrollPositions();'
    expect(() => transformWith(routerScrollInMemory(), changed, join(ROUTER_DIST, 'devtools-x.js'))).toThrow(/scroll-position store changed/)
  })

  it('is safe because the router has no scrollBehavior: nothing ever reads the saved positions', () => {
    setActivePinia(createPinia())
    const router = createKeysteadRouter()
    expect(router.options.scrollBehavior).toBeUndefined()
  })
})
