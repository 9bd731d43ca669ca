import { z } from 'zod'
import { LOG_PAGE_MAX } from '../services/admin-service.ts'

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
