import { validatePasswordRules } from './account-rules.ts'
import { validationError } from './errors.ts'

let commonPasswords: Promise<ReadonlySet<string>> | null = null

/**
 * The common-password list of zxcvbn-ts (@zxcvbn-ts/language-common, about 49,000 entries ranked by
 * frequency, well past the top 10,000). Loaded on first use only, then kept.
 */
export function loadCommonPasswords(): Promise<ReadonlySet<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'].map((word) => word.toLowerCase())))
  return commonPasswords
}

export async function isCommonPassword(password: string): Promise<boolean> {
  return (await loadCommonPasswords()).has(password.toLowerCase())
}

/** The rules for a new password: the base rules, not the username, not a common password. */
export async function validateNewPassword(password: string, username: string, field = 'newPassword'): Promise<string> {
  validatePasswordRules(password, field)
  if (password.toLowerCase() === username.toLowerCase()) {
    throw validationError(field, 'password.isUsername', 'The password cannot be the username.')
  }
  if (await isCommonPassword(password)) {
    throw validationError(field, 'password.common', 'This password is on a list of commonly used passwords. Choose another one.')
  }
  return password
}
