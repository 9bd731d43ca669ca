import { describe, expect, it } from 'vitest'
import { validateEmail, validateFullName, validatePasswordRules, validateUsername } from '../../src-main/services/account-rules.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(KeysteadError)
    expect((error as KeysteadError).code).toBe('VALIDATION')
    return (error as KeysteadError).reason
  }
  return undefined
}

describe('validateUsername', () => {
  it.each(['alice', 'Bob', 'a12', 'abc', 'A'.repeat(32), 'x9Y8z7'])('accepts %j', (name) => {
    expect(validateUsername(name)).toBe(name)
  })

  it.each([
    ['', 'username.required'],
    ['1abc', 'username.noLeadingDigit'],
    ['ab', 'username.tooShort'],
    ['a b', 'username.noSpaces'],
    ['a\tb', 'username.noSpaces'],
    ['a-b', 'username.noPunctuation'],
    ['al.ice', 'username.noPunctuation'],
    ['ålice', 'username.englishOnly'],
    ['alice😀', 'username.englishOnly'],
    ['A'.repeat(33), 'username.tooLong'],
  ])('refuses %j with %s', (name, reason) => {
    expect(reasonOf(() => validateUsername(name))).toBe(reason)
  })
})

describe('validatePasswordRules', () => {
  it.each(['abcdefg1', 'correct horse battery 9', 'x'.repeat(255) + '1', 'şifre1234'])('accepts %j', (password) => {
    expect(validatePasswordRules(password)).toBe(password)
  })

  it.each([
    ['abc1', 'password.tooShort'],
    ['abcdefgh', 'password.needsDigit'],
    ['12345678', 'password.needsLetter'],
    ['a1'.repeat(128) + 'x', 'password.tooLong'],
  ])('refuses %j with %s', (password, reason) => {
    expect(reasonOf(() => validatePasswordRules(password))).toBe(reason)
  })
})

describe('validateEmail and validateFullName', () => {
  it('accepts ordinary addresses and treats empty as none', () => {
    expect(validateEmail('  ada@example.org ')).toBe('ada@example.org')
    expect(validateEmail('first.last+tag@sub.example.co')).toBe('first.last+tag@sub.example.co')
    expect(validateEmail('')).toBeNull()
  })

  it.each(['plain', 'a@b', '@example.com', 'a b@example.com', 'a..b@example.com', `${'a'.repeat(250)}@example.com`])('refuses %j', (email) => {
    expect(reasonOf(() => validateEmail(email))).toMatch(/^email\./)
  })

  it('trims names and refuses over-long ones', () => {
    expect(validateFullName('  Ada Lovelace ')).toBe('Ada Lovelace')
    expect(reasonOf(() => validateFullName('n'.repeat(101)))).toBe('fullName.tooLong')
  })
})
