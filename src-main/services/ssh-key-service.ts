import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { PublicSshKey, SshKeyFileImport, SshKeyPreview, SshKeySummary } from '../../src-preload/contract/ssh-keys.ts'
import type { DB } from '../db/database.ts'
import { writeTransaction } from '../db/database.ts'
import { deleteSSHKey, findSSHKeyById, findSSHKeyOwnerByFingerprint, insertSSHKey, listSSHKeyRows } from '../db/repositories/ssh-keys-repo.ts'
import type { SSHKeyRow } from '../db/repositories/ssh-keys-repo.ts'
import type { AccountService } from './account-service.ts'
import type { AuditService } from './audit-service.ts'
import { SecurityEventKind } from './audit-service.ts'
import { toISO } from './clock.ts'
import type { Clock } from './clock.ts'
import { ErrorCode, KeysteadError, notFoundError, validationError } from './errors.ts'
import { parseSSHPublicKey } from './ssh-public-key.ts'
import { formatAuthorizedKeyLine, isSSHKeyExpired, todayIn, toAuthorizedKeyLine } from './ssh/key-line.ts'

export { todayIn } from './ssh/key-line.ts'
import type { ParsedSSHPublicKey } from './ssh-public-key.ts'
import { refuseFormatCharacters } from './text-rules.ts'

export const SSH_KEY_TITLE_MAX_LENGTH = 100
/** A .pub file is a few hundred bytes (a 16384-bit RSA key about 2.8 KB); anything far larger is not one. */
export const SSH_KEY_FILE_MAX_BYTES = 16 * 1024

export interface AddSSHKeyRequest {
  title: string
  publicKey: string
  expiresOn?: string | null
}

export interface SSHKeyService {
  /** Parses a key for the form's preview; refuses what `addKey` would refuse about the key itself. */
  inspectKey(accountId: number, publicKey: string): SshKeyPreview
  addKey(accountId: number, request: AddSSHKeyRequest, context?: { sessionId?: string | null }): SshKeySummary
  /** In the order added (the SSH keys screen); `newestFirst` for the command line and the local API, as their token lists. */
  listKeys(accountId: number, options?: { newestFirst?: boolean }): SshKeySummary[]
  deleteKey(accountId: number, id: number, context?: { sessionId?: string | null }): void
  /** The key's authorized_keys line (options, type, base64, comment). */
  getAuthorizedKeyLine(accountId: number, id: number): string
  /** Type, bits, fingerprint and title of an account's keys: what its public profile shows. */
  listPublicKeys(accountId: number): PublicSshKey[]
  listPublicKeysByUsername(username: string): PublicSshKey[]
  /**
   * The account's unexpired keys as an authorized_keys file (one line each, newline-terminated).
   * Keys with an expiry get OpenSSH's `expiry-time` option. `includeOptions: false` writes bare
   * `type base64 comment` lines (what a public `/users/{name}.keys` serves).
   */
  exportAuthorizedKeys(accountId: number, options?: { includeOptions?: boolean }): string
  /** Reads a .pub file (size-limited) and parses it; a private key is refused and none of it returned. */
  readKeyFile(path: string): SshKeyFileImport
  /** `~/.ssh` when it exists, for the open dialog. */
  findKeyDirectory(homeDirectory: string): string | undefined
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

export function validateSSHKeyTitle(title: string, comment: string): string {
  let value = title.replace(/\s+/g, ' ').trim()
  if (value.length === 0) value = comment.slice(0, SSH_KEY_TITLE_MAX_LENGTH).trim()
  if (value.length === 0) throw validationError('title', 'sshKeys.titleRequired', 'Give the key a title (the key has no comment to use).')
  if (value.length > SSH_KEY_TITLE_MAX_LENGTH) {
    throw validationError('title', 'sshKeys.titleTooLong', `A title can have at most ${SSH_KEY_TITLE_MAX_LENGTH} characters.`, { max: SSH_KEY_TITLE_MAX_LENGTH })
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) throw validationError('title', 'sshKeys.titleInvalid', 'A title cannot contain control characters.')
  return refuseFormatCharacters(value, 'title')
}

function toPreview(key: ParsedSSHPublicKey): SshKeyPreview {
  return { type: key.type, bits: key.bits, fingerprintSHA256: key.fingerprintSHA256, comment: key.comment }
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string }
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' && (e.message ?? '').includes('fingerprint_sha256')
}

function duplicateError(ownedByCaller: boolean): KeysteadError {
  return ownedByCaller
    ? new KeysteadError(ErrorCode.Conflict, 'You have already added this key.', { field: 'publicKey', reason: 'sshKeys.alreadyAdded' })
    : new KeysteadError(ErrorCode.Conflict, 'This key already belongs to another account on this computer. A key can be on one account only.', {
        field: 'publicKey',
        reason: 'sshKeys.usedByAnotherAccount',
      })
}

function readLimitedFile(path: string): Buffer {
  let fd: number
  try {
    if (!statSync(path).isFile()) throw new Error('not a file')
    fd = openSync(path, 'r')
  } catch {
    throw validationError('publicKey', 'sshKeys.fileUnreadable', 'This file cannot be read.')
  }
  try {
    if (fstatSync(fd).size > SSH_KEY_FILE_MAX_BYTES) {
      throw validationError('publicKey', 'sshKeys.fileTooLarge', `This file is too large to be a public key (over ${SSH_KEY_FILE_MAX_BYTES / 1024} KB).`, {
        max: SSH_KEY_FILE_MAX_BYTES / 1024,
      })
    }
    const buffer = Buffer.alloc(SSH_KEY_FILE_MAX_BYTES + 1)
    let length = 0
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
      if (length > SSH_KEY_FILE_MAX_BYTES) {
        throw validationError('publicKey', 'sshKeys.fileTooLarge', `This file is too large to be a public key (over ${SSH_KEY_FILE_MAX_BYTES / 1024} KB).`, {
          max: SSH_KEY_FILE_MAX_BYTES / 1024,
        })
      }
    }
    return buffer.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}

export function createSSHKeyService(deps: { db: DB; clock: Clock; audit: AuditService; accounts: AccountService }): SSHKeyService {
  const { db, clock, audit, accounts } = deps

  function todayFor(accountId: number): string {
    return todayIn(accounts.getAccount(accountId).timezone, clock())
  }

  function toSummary(row: SSHKeyRow, today: string): SshKeySummary {
    return {
      id: row.id,
      title: row.title,
      type: row.key_type,
      bits: row.bits,
      fingerprintSHA256: row.fingerprint_sha256,
      fingerprintMD5: row.fingerprint_md5,
      comment: row.comment,
      options: row.options,
      createdAt: toISO(row.created_at),
      expiresOn: row.expires_on,
      isExpired: isSSHKeyExpired(row, today),
    }
  }

  function parseForAccount(accountId: number, publicKey: string): ParsedSSHPublicKey {
    const key = parseSSHPublicKey(publicKey)
    // The comment is shown in the app and served in `.keys` output: no invisible format characters.
    refuseFormatCharacters(key.comment, 'publicKey')
    const owner = findSSHKeyOwnerByFingerprint(db, key.fingerprintSHA256)
    if (owner !== undefined) throw duplicateError(owner === accountId)
    return key
  }

  function getRow(accountId: number, id: number): SSHKeyRow {
    const row = findSSHKeyById(db, accountId, id)
    if (!row) throw notFoundError('This key no longer exists.', 'sshKeys.notFound')
    return row
  }

  function lineOf(row: SSHKeyRow, includeOptions: boolean): string {
    return formatAuthorizedKeyLine({
      type: row.key_type,
      blob: row.key_blob,
      comment: row.comment || row.title,
      options: includeOptions ? row.options : '',
    })
  }

  function listPublicKeys(accountId: number): PublicSshKey[] {
    return listSSHKeyRows(db, accountId).map((row) => ({ title: row.title, type: row.key_type, bits: row.bits, fingerprintSHA256: row.fingerprint_sha256 }))
  }

  return {
    inspectKey(accountId, publicKey) {
      return toPreview(parseForAccount(accountId, publicKey))
    },

    addKey(accountId, request, context = {}) {
      const today = todayFor(accountId)
      const key = parseForAccount(accountId, request.publicKey)
      const title = validateSSHKeyTitle(request.title, key.comment)
      const expiresOn = request.expiresOn ? request.expiresOn.trim() : null
      if (expiresOn !== null) {
        if (!isCalendarDate(expiresOn)) throw validationError('expiresOn', 'sshKeys.expiryInvalid', 'Enter the expiry as a date (YYYY-MM-DD).')
        if (expiresOn < today) throw validationError('expiresOn', 'sshKeys.expiryInPast', 'The expiry date cannot be in the past.')
      }
      try {
        const id = writeTransaction(db, () => {
          const keyId = insertSSHKey(db, {
            account_id: accountId,
            title,
            key_type: key.type,
            bits: key.bits,
            key_blob: key.blob,
            comment: key.comment,
            options: key.options,
            fingerprint_sha256: key.fingerprintSHA256,
            fingerprint_md5: key.fingerprintMD5,
            created_at: clock(),
            expires_on: expiresOn,
          })
          audit.recordSecurityEvent({
            accountId,
            kind: SecurityEventKind.SSHKeyAdded,
            sessionId: context.sessionId ?? null,
            detail: { keyId, title, type: key.type, fingerprint: key.fingerprintSHA256 },
          })
          return keyId
        })
        return toSummary(getRow(accountId, id), today)
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateError(findSSHKeyOwnerByFingerprint(db, key.fingerprintSHA256) === accountId)
        throw error
      }
    },

    listKeys(accountId, options) {
      const today = todayFor(accountId)
      const keys = listSSHKeyRows(db, accountId).map((row) => toSummary(row, today))
      return options?.newestFirst ? keys.reverse() : keys
    },

    deleteKey(accountId, id, context = {}) {
      writeTransaction(db, () => {
        const row = getRow(accountId, id)
        deleteSSHKey(db, accountId, id)
        audit.recordSecurityEvent({
          accountId,
          kind: SecurityEventKind.SSHKeyRemoved,
          sessionId: context.sessionId ?? null,
          detail: { keyId: id, title: row.title, type: row.key_type, fingerprint: row.fingerprint_sha256 },
        })
      })
    },

    getAuthorizedKeyLine: (accountId, id) => lineOf(getRow(accountId, id), true),

    listPublicKeys,

    listPublicKeysByUsername(username) {
      const account = accounts.findAccountByUsername(username)
      if (!account) throw notFoundError('There is no account with this username.', 'account.notFound')
      return listPublicKeys(account.id)
    },

    exportAuthorizedKeys(accountId, options = {}) {
      const includeOptions = options.includeOptions ?? true
      const today = todayFor(accountId)
      return listSSHKeyRows(db, accountId)
        .map((row) => toAuthorizedKeyLine(row, { includeOptions, today }))
        .filter((line) => line !== null)
        .map((line) => `${line}\n`)
        .join('')
    },

    readKeyFile(path) {
      const bytes = readLimitedFile(path)
      if (bytes.includes(0)) throw validationError('publicKey', 'sshKeys.fileNotText', 'This file is not a text file, so it is not a public key.')
      const key = parseSSHPublicKey(bytes.toString('utf8'))
      bytes.fill(0)
      return {
        publicKey: formatAuthorizedKeyLine({ type: key.type, blob: key.blob, comment: key.comment, options: key.options }),
        fileName: basename(path),
        preview: toPreview(key),
      }
    },

    findKeyDirectory(homeDirectory) {
      const directory = join(homeDirectory, '.ssh')
      try {
        return existsSync(directory) && statSync(directory).isDirectory() ? directory : undefined
      } catch {
        return undefined
      }
    },
  }
}
