import { describe, expect, it } from 'vitest'
import { createConsoleLogger } from '../../src-main/log.ts'

describe('the console logger', () => {
  it('writes facts and errors readably: an Error with its name and message, a plain object as JSON, never [object Object]', () => {
    const lines: string[] = []
    const log = createConsoleLogger((line) => lines.push(line))
    log.info('Listening', { port: 7420 })
    log.error('Refused a request from an untrusted frame', { channel: 'keystead:auth.signIn' })
    log.error('Failed', new TypeError('bad thing'))
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    log.error('Odd', cyclic)
    log.error('Plain')
    expect(lines[0]).toBe('[keystead] Listening {"port":7420}')
    expect(lines[1]).toBe('[keystead] ERROR Refused a request from an untrusted frame {"channel":"keystead:auth.signIn"}')
    expect(lines[2]).toMatch(/^\[keystead\] ERROR Failed TypeError: bad thing\n/)
    expect(lines[3]).toBe('[keystead] ERROR Odd [object Object]')
    expect(lines[4]).toBe('[keystead] ERROR Plain')
  })
})
