import { createHash } from 'node:crypto'

/**
 * authorized_keys lines from stored keys: shared by the app's export, the public `.keys` endpoint
 * and the sshd lookup. No imports beyond node:crypto, so the sshd lookup stays a lean process.
 */

/** The columns of `ssh_keys` a line is made of. */
export interface AuthorizedKeyRow {
  key_type: string
  key_blob: Buffer
  comment: string
  title: string
  options: string
  /** YYYY-MM-DD: the last day the key is valid, in the account's time zone; null = no expiry. */
  expires_on: string | null
}

export function fingerprintSHA256(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')
}

export function formatAuthorizedKeyLine(key: { type: string; blob: Buffer; comment?: string; options?: string }): string {
  return [key.options || '', key.type, key.blob.toString('base64'), key.comment ?? ''].filter((part) => part.length > 0).join(' ')
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()

/** One formatter per time zone: making one costs far more than using it. An unknown zone falls back to UTC. */
function dateFormatFor(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone)
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    } catch {
      format = dateFormatFor('UTC')
    }
    if (dateFormats.size < 1000) dateFormats.set(timeZone, format)
  }
  return format
}

/** Today's date (YYYY-MM-DD) in a time zone (UTC when the zone is unknown). */
export function todayIn(timeZone: string, nowMs: number): string {
  const parts = dateFormatFor(timeZone).formatToParts(new Date(nowMs))
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}-${part('day')}`
}

/** The day after `YYYY-MM-DD`, as `YYYYMMDD` (for OpenSSH's expiry-time option). */
export function dayAfterCompact(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10).replaceAll('-', '')
}

export function isSSHKeyExpired(row: Pick<AuthorizedKeyRow, 'expires_on'>, today: string): boolean {
  return row.expires_on !== null && row.expires_on < today
}

/**
 * The key's authorized_keys line, or null when it has expired (`today` or `timeZone` + `now`
 * decide). With options, an expiring key gets `expiry-time="<the day after>"` unless its own
 * options already hold one; without, a bare `type base64 comment` line.
 */
export function toAuthorizedKeyLine(
  row: AuthorizedKeyRow,
  options: { includeOptions: boolean } & ({ today: string } | { timeZone: string; now: number }),
): string | null {
  const today = 'today' in options ? options.today : todayIn(options.timeZone, options.now)
  if (isSSHKeyExpired(row, today)) return null
  const line = formatAuthorizedKeyLine({ type: row.key_type, blob: row.key_blob, comment: row.comment || row.title, options: options.includeOptions ? row.options : '' })
  if (!options.includeOptions || row.expires_on === null || /(^|,)expiry-time=/i.test(row.options)) return line
  const expiry = `expiry-time="${dayAfterCompact(row.expires_on)}"`
  return row.options ? `${expiry},${line}` : `${expiry} ${line}`
}
