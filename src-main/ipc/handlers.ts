import { channels } from '../../src-preload/contract/api.ts'
import type { ChannelMap } from '../../src-preload/contract/api.ts'
import type { AppStatus } from '../../src-preload/contract/models.ts'
import { createAccountsHandlers } from './accounts.ipc.ts'
import { createAppHandlers } from './app.ipc.ts'
import { createAuditHandlers } from './audit.ipc.ts'
import { createAuthHandlers } from './auth.ipc.ts'
import { createBackupsHandlers } from './backups.ipc.ts'
import { createSettingsHandlers } from './settings.ipc.ts'
import type { HandlerDefinition, HandlerTable } from './guard.ts'
import { createSecurityHandlers } from './security.ipc.ts'
import { createTokensHandlers } from './tokens.ipc.ts'
import { createProfileHandlers } from './profile.ipc.ts'
import { createSshKeysHandlers } from './ssh-keys.ipc.ts'
import { createSessionsHandlers } from './sessions.ipc.ts'
import { createRemindersHandlers } from './reminders.ipc.ts'

export interface HandlerDependencies {
  getStatus(): AppStatus
}

/** One handler per contract method, keyed by channel. Adding a domain: add its handlers here. */
export function createHandlerTable(deps: HandlerDependencies): HandlerTable {
  const domains: { [D in keyof ChannelMap]: Record<keyof ChannelMap[D], HandlerDefinition> } = {
    app: createAppHandlers(deps.getStatus) as Record<keyof ChannelMap['app'], HandlerDefinition>,
    auth: createAuthHandlers() as Record<keyof ChannelMap['auth'], HandlerDefinition>,
    security: createSecurityHandlers() as Record<keyof ChannelMap['security'], HandlerDefinition>,
    tokens: createTokensHandlers() as Record<keyof ChannelMap['tokens'], HandlerDefinition>,
    profile: createProfileHandlers() as Record<keyof ChannelMap['profile'], HandlerDefinition>,
    settings: createSettingsHandlers() as Record<keyof ChannelMap['settings'], HandlerDefinition>,
    sshKeys: createSshKeysHandlers() as Record<keyof ChannelMap['sshKeys'], HandlerDefinition>,
    sessions: createSessionsHandlers() as Record<keyof ChannelMap['sessions'], HandlerDefinition>,
    audit: createAuditHandlers() as Record<keyof ChannelMap['audit'], HandlerDefinition>,
    backups: createBackupsHandlers() as Record<keyof ChannelMap['backups'], HandlerDefinition>,
    reminders: createRemindersHandlers() as Record<keyof ChannelMap['reminders'], HandlerDefinition>,
    accounts: createAccountsHandlers() as Record<keyof ChannelMap['accounts'], HandlerDefinition>,
  }
  const table = new Map<string, HandlerDefinition>()
  for (const [domain, methods] of Object.entries(channels)) {
    const handlers = domains[domain as keyof ChannelMap] as Record<string, HandlerDefinition>
    for (const [method, channel] of Object.entries(methods as Record<string, string>)) {
      const handler = handlers[method]
      if (!handler) throw new Error(`No handler for ${channel}`)
      table.set(channel, handler)
    }
  }
  return table
}
