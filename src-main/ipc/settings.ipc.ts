import { z } from 'zod'
import type { SettingsApi, SettingsView } from '../../src-preload/contract/settings.ts'
import type { Services } from '../services/index.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { publicHandler, sensitiveHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

// Shapes only; the ranges are the settings service's rules.
const whole = z.number().int().min(-1_000_000).max(1_000_000)
export const settingsPatchInput = z.strictObject({
  theme: z.enum(['system', 'light', 'dark']).optional(),
  localApi: z.strictObject({ enabled: z.boolean().optional(), port: whole.optional() }).optional(),
  sessionLifetimes: z.strictObject({ idleTimeoutHours: whole.optional(), absoluteTimeoutDays: whole.optional() }).optional(),
})

/** The example a user can paste into a terminal (with their own token in place of $KEYSTEAD_TOKEN). */
export function curlExampleFor(port: number): string {
  return `curl -H "Authorization: Bearer $KEYSTEAD_TOKEN" http://127.0.0.1:${port}/api/v2/users/me`
}

function viewOf(services: Services): SettingsView {
  const settings = services.settings.getSettings()
  return { ...settings, localApiStatus: services.settings.localApiStatus(), curlExample: curlExampleFor(settings.localApi.port) }
}

/** Whether the patch switches the local API or moves its port (sending the current values changes nothing). */
function localApiChanges(services: Services, patch: z.output<typeof settingsPatchInput>): boolean {
  if (!patch.localApi) return false
  const current = services.settings.getSettings().localApi
  return (patch.localApi.enabled !== undefined && patch.localApi.enabled !== current.enabled) || (patch.localApi.port !== undefined && patch.localApi.port !== current.port)
}

export function createSettingsHandlers(): DomainHandlers<SettingsApi> {
  return {
    // Public: the theme applies before anyone signs in.
    getSettings: publicHandler(z.null(), (ctx) => viewOf(ctx.services)),
    updateSettings: sensitiveHandler(
      (patch, ctx) => [localApiChanges(ctx.services, patch) && SensitiveAction.LocalApiChange, !!patch.sessionLifetimes && SensitiveAction.SessionLifetimes],
      settingsPatchInput,
      async (ctx, patch) => {
        await ctx.services.settings.updateSettings(patch, ctx.session)
        return viewOf(ctx.services)
      },
    ),
    copyCurlExample: sessionHandler(z.null(), (ctx) => {
      ctx.platform.clipboard.writeText(curlExampleFor(ctx.services.settings.getSettings().localApi.port))
      return null
    }),
  }
}
