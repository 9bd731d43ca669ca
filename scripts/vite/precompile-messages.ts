import { baseCompile } from '@intlify/message-compiler'
import type { CompileError } from '@intlify/message-compiler'
import { pathToFileURL } from 'node:url'
import type { Plugin } from 'vite'

/** A message tree as the message files write it, or as this module leaves it (a string or a compiled message). */
export type PrecompiledTree = { [key: string]: string | object | PrecompiledTree }

/**
 * One message as the runtime needs it when vue-i18n's message compiler is left out of the bundle
 * (`__INTLIFY_DROP_MESSAGE_COMPILER__`): plain text stays the string it is (vue-i18n returns a string as is), and
 * a message with syntax (`{name}`, plurals, linked messages, literals) becomes the AST the runtime compiler would
 * have built from it (JIT mode, minified keys), which vue-i18n's runtime formats. A message that does not compile
 * fails the build, with its key.
 */
export function precompileMessage(source: string, key: string): string | object {
  const errors: string[] = []
  const onError = (error: CompileError) => errors.push(error.message)
  const { ast } = baseCompile(source, { jit: true, location: false, onError })
  if (errors.length > 0) throw new Error(`The message ${key} does not compile: ${errors.join('; ')} (${JSON.stringify(source)})`)
  // After optimize(), a message made of text only carries it in `static`; when that is the source, nothing is to format.
  const body = ast.body as { type: number; static?: string }
  if (body.type === 2 && body.static === source) return source
  return baseCompile(source, { jit: true, location: false, minify: true, onError }).ast
}

/** Every string of a message tree through precompileMessage (a new tree; the input is not changed). */
export function precompileMessageTree(tree: Record<string, unknown>, path = ''): PrecompiledTree {
  const out: PrecompiledTree = {}
  for (const [key, value] of Object.entries(tree)) {
    const at = path ? `${path}.${key}` : key
    if (typeof value === 'string') out[key] = precompileMessage(value, at)
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) out[key] = precompileMessageTree(value as Record<string, unknown>, at)
    else throw new Error(`The message ${at} is not a string or a group of messages`)
  }
  return out
}

/**
 * Production builds only: each message file (`export const xMessages = { ... }`, plain data) is replaced by its
 * precompiled tree, written as `JSON.parse('...')` (V8 reads a JSON string faster than the same object literal).
 * With the messages compiled here, the renderer leaves vue-i18n's message compiler out (~17 KB minified) and
 * compiles nothing at start. The dev server and the unit tests keep the message files as written.
 */
export function precompileMessages(include: RegExp): Plugin {
  return {
    name: 'keystead-precompile-messages',
    apply: 'build',
    enforce: 'pre',
    async load(id) {
      if (!include.test(id)) return null
      // The message files are plain data: Node runs them (type stripping) and the build writes their values out.
      const loaded = (await import(`${pathToFileURL(id).href}?precompile=${Date.now()}`)) as Record<string, unknown>
      const lines = Object.entries(loaded).map(([name, tree]) => {
        if (!tree || typeof tree !== 'object') throw new Error(`${id}: the export ${name} is not a message tree`)
        const json = JSON.stringify(precompileMessageTree(tree as Record<string, unknown>))
        const value = `/*#__PURE__*/ JSON.parse(${JSON.stringify(json)})`
        return name === 'default' ? `export default ${value}` : `export const ${name} = ${value}`
      })
      if (lines.length === 0) throw new Error(`${id}: no message tree exported`)
      return { code: lines.join('\n'), map: null }
    },
  }
}
