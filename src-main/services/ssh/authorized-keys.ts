import type { DB } from '../../db/database.ts'
import { fingerprintSHA256, toAuthorizedKeyLine } from './key-line.ts'
import type { AuthorizedKeyRow } from './key-line.ts'
import { resolveKeysteadUsername } from './login-map.ts'
import type { SSHLoginMap } from './login-map.ts'

/**
 * What sshd's AuthorizedKeysCommand asks: the keys that may log in as `systemUser`, or, given the
 * offered key (`%t %k`), that key's line when it is one of them. Deliberately small (no services,
 * no migrations, no writes) so a fresh process answers fast: sshd runs it on every login attempt.
 *
 * Empty for a system user without a mapping, an unknown, locked or deleted account, an expired key,
 * or another account's key: sshd then refuses the key. Reads only; "last used" is not updated.
 */
export interface AuthorizedKeysRequest {
  systemUser: string
  /** The offered key, as sshd passes `%t %k`; both or neither. */
  keyType?: string
  keyBase64?: string
  map: SSHLoginMap
  now: number
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const KEY_TYPE = /^[A-Za-z0-9@._-]{1,64}$/
/** A whole authorized_keys line of a 16384-bit RSA key is about 2.8 KB; the blob is never larger than this. */
const KEY_BASE64_MAX_LENGTH = 16 * 1024

const ROWS_SQL = `SELECT a.timezone, k.key_type, k.key_blob, k.comment, k.title, k.options, k.expires_on
  FROM accounts a JOIN ssh_keys k ON k.account_id = a.id
  WHERE a.username_key = ? AND a.locked_at IS NULL`

export function lookupAuthorizedKeys(db: DB, request: AuthorizedKeysRequest): string[] {
  const username = resolveKeysteadUsername(request.systemUser, request.map)
  if (username === null) return []
  const usernameKey = username.toLowerCase()
  let rows: Array<AuthorizedKeyRow & { timezone: string }>
  if (request.keyType !== undefined || request.keyBase64 !== undefined) {
    const { keyType = '', keyBase64 = '' } = request
    if (!KEY_TYPE.test(keyType) || keyBase64.length > KEY_BASE64_MAX_LENGTH || !BASE64.test(keyBase64)) return []
    const blob = Buffer.from(keyBase64, 'base64')
    // The fingerprint column is unique and indexed: one point lookup whatever the number of accounts.
    const row = db.prepare(`${ROWS_SQL} AND k.fingerprint_sha256 = ?`).get(usernameKey, fingerprintSHA256(blob)) as (AuthorizedKeyRow & { timezone: string }) | undefined
    rows = row && row.key_type === keyType && row.key_blob.equals(blob) ? [row] : []
  } else {
    rows = db.prepare(`${ROWS_SQL} ORDER BY k.created_at, k.id`).all(usernameKey) as Array<AuthorizedKeyRow & { timezone: string }>
  }
  const lines: string[] = []
  for (const row of rows) {
    const line = toAuthorizedKeyLine(row, { includeOptions: true, timeZone: row.timezone, now: request.now })
    if (line !== null) lines.push(line)
  }
  return lines
}
