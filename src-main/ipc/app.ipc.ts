import { z } from 'zod'
import type { AppApi, StartupState } from '../../src-preload/contract/auth.ts'
import type { AppStatus } from '../../src-preload/contract/models.ts'
import { currentAccountOf, signInOptionsOf } from './auth.ipc.ts'
import { publicHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

export function createAppHandlers(getStatus: () => AppStatus): DomainHandlers<AppApi> {
  return {
    getStatus: publicHandler(z.null(), () => getStatus()),
    // Answers without services too (a start-up error): then it returns the status alone.
    getStartupState: publicHandler(z.null(), (ctx): StartupState => {
      const status = getStatus()
      if (status.state !== 'ready') return { status }
      return {
        status,
        startupLanguage: ctx.services.profile.getStartupLanguage(),
        theme: ctx.services.settings.getSettings().theme,
        account: currentAccountOf(ctx),
        signInHints: ctx.services.accounts.getSignInHints(),
        signInOptions: signInOptionsOf(ctx),
      }
    }),
  }
}
