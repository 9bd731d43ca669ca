import { z } from 'zod'
import type { AuditApi } from '../../src-preload/contract/audit.ts'
import { SECURITY_LOG_MAX_KIND_FILTER, SECURITY_LOG_MAX_PAGE_SIZE, SecurityEventKind } from '../services/audit-service.ts'
import { toISO } from '../services/clock.ts'
import { ErrorCode, KeysteadError } from '../services/errors.ts'
import { createSecretFileWriter } from '../services/secret-file.ts'
import type { SecretFileWriter } from '../services/secret-file.ts'
import { sessionHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

const kinds = z.array(z.string().min(1).max(100)).max(SECURITY_LOG_MAX_KIND_FILTER).optional()

export const listEventsInput = z.strictObject({
  kinds,
  page: z.number().int().min(1).max(1_000_000).optional(),
  pageSize: z.number().int().min(1).max(SECURITY_LOG_MAX_PAGE_SIZE).optional(),
  cursor: z.string().min(1).max(200).optional(),
})

export const exportEventsInput = z.strictObject({ format: z.enum(['csv', 'json']), kinds })

export function createAuditHandlers(): DomainHandlers<AuditApi> {
  return {
    listEvents: sessionHandler(listEventsInput, (ctx, input) => ctx.services.audit.listSecurityEvents(ctx.session.account_id, input, { sessionId: ctx.session.id })),
    verifyLog: sessionHandler(z.null(), async (ctx) => {
      const verification = await ctx.services.audit.verifySecurityLogInSlices(ctx.session.account_id)
      return { ...verification, firstBroken: ctx.services.audit.describeFirstBrokenEntry(ctx.session.account_id, verification) }
    }),
    getActivity: sessionHandler(z.null(), (ctx) => ctx.services.audit.summarizeSecurityActivity(ctx.session.account_id)),
    exportEvents: sessionHandler(exportEventsInput, async (ctx, input) => {
      const date = toISO(ctx.services.clock()).slice(0, 10)
      const path = await ctx.platform.dialogs.showSaveDialog(ctx.windowId, {
        title: 'Export the security log',
        defaultFileName: `keystead-security-log-${date}.${input.format}`,
        filters: [input.format === 'csv' ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON', extensions: ['json'] }],
      })
      if (!path) return { status: 'cancelled' as const }
      const exported = ctx.services.audit.exportSecurityEvents(ctx.session.account_id, input.format, input.kinds, { sessionId: ctx.session.id })
      // Owner-only (the log tells when and from where the account was used), through the one secret-file
      // writer; written a page at a time (a long log never sits on the event loop in one piece); a failed
      // write leaves no file under the name. The dialog asked before replacing a file.
      let writer: SecretFileWriter | undefined
      let count: number
      try {
        const opened = await createSecretFileWriter(path, { overwrite: true })
        writer = opened
        count = (await exported.writeTo((chunk) => opened.write(Buffer.from(chunk, 'utf8')))).count
        await opened.commit()
      } catch (error) {
        await writer?.abort().catch(() => {})
        if (error instanceof KeysteadError && error.reason !== 'secretFile.unwritable') throw error
        throw new KeysteadError(ErrorCode.Unavailable, 'The file could not be written. Choose another folder.', { reason: 'audit.writeFailed' })
      }
      ctx.services.audit.recordSecurityEvent({
        accountId: ctx.session.account_id,
        kind: SecurityEventKind.SecurityLogExported,
        sessionId: ctx.session.id,
        detail: { format: input.format, count },
      })
      return { status: 'saved' as const, path, count }
    }),
  }
}
