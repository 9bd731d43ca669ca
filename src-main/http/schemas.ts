import { z } from 'zod'
import { LOG_PAGE_MAX } from '../services/administration-service.ts'

/**
 * The shapes of the local API: requests are validated with these, responses are
 * built to them (tests parse every answer with them), and the OpenAPI document is
 * generated from them, so the three cannot drift.
 */
const isoDate = z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC' })

export const accountSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    fullName: z.string(),
    email: z.string().nullable(),
    description: z.string(),
    language: z.string(),
    timezone: z.string(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ description: 'The account the credential belongs to.' })

export const accountPatchSchema = z
  .strictObject({
    fullName: z.string().max(1000).optional(),
    email: z.string().max(1000).nullable().optional().meta({ description: 'An empty string or null removes the address.' }),
  })
  .meta({ description: 'Only the fields given change. The account rules apply (full name up to 100 characters, a valid and unused e-mail).' })

export const sessionSchema = z.object({
  id: z.string(),
  origin: z.string().meta({ description: "Where the session started: 'app', 'cli' or 'api'." }),
  createdAt: isoDate,
  lastUsedAt: isoDate,
  expiresAt: isoDate,
  keepSignedIn: z.boolean(),
  device: z.object({ browser: z.string(), os: z.string(), model: z.string(), ip: z.string(), engine: z.string(), arch: z.string() }),
})

export const logEntrySchema = z.object({
  id: z.number().int(),
  at: isoDate,
  kind: z.string().meta({ description: 'For example signin, signin.failed, password.reset, session.revoked.' }),
  sessionId: z.string().nullable(),
  device: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
})

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,7}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))

export const logQuerySchema = z.strictObject({
  limit: wholeNumber(1, LOG_PAGE_MAX).optional().meta({ description: `Entries per page, 1-${LOG_PAGE_MAX} (default 100).` }),
  offset: wholeNumber(0, 1_000_000).optional().meta({ description: 'Entries to skip (default 0).' }),
})

export const emptyQuerySchema = z.strictObject({})

export const sessionParamsSchema = z.strictObject({ id: z.string().min(1).max(64) })

export const openApiDocumentSchema = z.record(z.string(), z.unknown()).meta({ description: 'This OpenAPI 3.1 document.' })

export const sshKeySchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    type: z.string().meta({ description: 'For example ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256, sk-ssh-ed25519@openssh.com.' }),
    bits: z.number().int(),
    fingerprintSHA256: z.string().meta({ description: 'As ssh-keygen -l prints it: SHA256:...' }),
    fingerprintMD5: z.string(),
    comment: z.string(),
    options: z.string().meta({ description: 'authorized_keys options given with the key (may be empty).' }),
    createdAt: isoDate,
    expiresOn: z.string().nullable().meta({ description: 'The last day the key is valid (YYYY-MM-DD, the account’s time zone), or null.' }),
    isExpired: z.boolean(),
  })
  .meta({ description: 'A public SSH key of the account.' })

export const sshKeyCreateSchema = z
  .strictObject({
    title: z.string().max(1000).optional().meta({ description: 'Up to 100 characters; when empty, the key’s comment is used.' }),
    publicKey: z.string().min(1).max(16 * 1024).meta({ description: 'One line of a .pub file (authorized_keys format, options allowed).' }),
    expiresOn: z.string().max(10).nullable().optional().meta({ description: 'YYYY-MM-DD, today or later; null or absent for never.' }),
  })
  .meta({ description: 'The same rules as the app: a supported type, RSA at least 2048 bits, not a private key, not already added.' })

export const idParamsSchema = z.strictObject({
  id: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number)
    .meta({ description: 'The numeric id.' }),
})

export const tokenSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    displayPrefix: z.string().meta({ description: 'The first characters of the token, to recognise it. The token itself is never returned.' }),
    scope: z.enum(['read-only', 'read-write', 'introspect']).meta({ description: "'introspect' only for an administrator's service token (it may call only POST /introspect)." }),
    isEnabled: z.boolean(),
    isExpired: z.boolean(),
    createdAt: isoDate,
    expiresAt: isoDate.nullable(),
    lastUsedAt: isoDate.nullable(),
  })
  .meta({ description: 'An access token’s metadata (never the token).' })

export const usernameKeysParamsSchema = z.strictObject({ username: z.string().min(1).max(64).meta({ description: 'The username (any case).' }) })

export const authorizedKeysSchema = z.string().meta({ description: 'One `type base64 comment` line per unexpired key, without options, as authorized_keys.' })

/** RFC 7662 section 2.1: `token` (and an optional hint, which Keystead does not need: the form of the token tells). */
export const introspectionRequestSchema = z
  .strictObject({
    token: z.string().max(512).meta({ description: 'The access token or API key to check.' }),
    token_type_hint: z.string().max(64).optional().meta({ description: "Optional (RFC 7662), e.g. 'access_token'; ignored." }),
  })
  .meta({ description: 'application/x-www-form-urlencoded, as RFC 7662 requires.' })

/** RFC 7662 section 2.2. Anything that is not a usable credential gets exactly `{"active": false}`, never a reason. */
export const introspectionSchema = z
  .union([
    z.strictObject({ active: z.literal(false) }),
    z.strictObject({
      active: z.literal(true),
      username: z.string().meta({ description: 'The Keystead username of the credential’s account.' }),
      sub: z.string().meta({ description: 'The account id, as a string.' }),
      scope: z.enum(['read-only', 'read-write', 'introspect']).meta({ description: 'The credential’s scope (the API key is read-write).' }),
      token_type: z.literal('Bearer'),
      exp: z.number().int().optional().meta({ description: 'Expiry, seconds since 1970 (UTC); absent when the credential never expires.' }),
      iat: z.number().int().meta({ description: 'Creation, seconds since 1970 (UTC).' }),
      client_id: z.string().meta({ description: "'token:<id>' for an access token, 'api-key' for the account's API key." }),
    }),
  ])
  .meta({ description: 'RFC 7662 introspection response.' })

const ACCOUNT_SORTS = ['username', 'fullName', 'email', 'role', 'twoFactor', 'locked', 'lastSignIn', 'createdAt', 'sessions', 'tokens', 'sshKeys'] as const

export const adminAccountSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    fullName: z.string(),
    email: z.string().nullable(),
    role: z.enum(['administrator', 'member']),
    twoFactorEnabled: z.boolean(),
    lockedAt: isoDate.nullable(),
    mustChangePassword: z.boolean(),
    lastSignInAt: isoDate.nullable(),
    createdAt: isoDate,
    activeSessions: z.number().int(),
    tokens: z.number().int(),
    sshKeys: z.number().int(),
  })
  .meta({ description: 'An account as the Accounts screen shows it (administrators only).' })

export const adminAccountPageSchema = z
  .object({ rows: adminAccountSchema.array(), next: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }) })
  .meta({ description: 'One page of accounts, keyset-paged.' })

export const adminAccountQuerySchema = z.strictObject({
  search: z.string().max(200).optional().meta({ description: 'The start of the username, full name or e-mail (any case).' }),
  sort: z.enum(ACCOUNT_SORTS).optional().meta({ description: 'The column to sort by (default username).' }),
  descending: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  cursor: z.string().max(2000).optional().meta({ description: 'The `next` of the previous page.' }),
  limit: wholeNumber(1, 100).optional().meta({ description: 'Accounts per page, 1-100 (default 50).' }),
})

export const adminUsernameParamsSchema = z.strictObject({ username: z.string().min(1).max(64).meta({ description: 'The username (any case).' }) })
