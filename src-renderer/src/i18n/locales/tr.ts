import { mergeMessageTrees } from '../merge.ts'
import { commonMessages } from '../messages/tr/common.ts'
import { authMessages } from '../messages/tr/auth.ts'
import { securityMessages } from '../messages/tr/security.ts'
import { tokensMessages } from '../messages/tr/tokens.ts'
import { profileMessages } from '../messages/tr/profile.ts'
import { settingsMessages } from '../messages/tr/settings.ts'
import { sshKeysMessages } from '../messages/tr/sshKeys.ts'
import { sessionsMessages } from '../messages/tr/sessions.ts'
import { auditMessages } from '../messages/tr/audit.ts'
import { backupsMessages } from '../messages/tr/backups.ts'
import { remindersMessages } from '../messages/tr/reminders.ts'
import { accountsMessages } from '../messages/tr/accounts.ts'

/** Every Turkish string of the UI, the domains merged into one tree. Loaded only when the UI switches to it (its own chunk). */
export default mergeMessageTrees([commonMessages, authMessages, securityMessages, tokensMessages, profileMessages, settingsMessages, sshKeysMessages, sessionsMessages, auditMessages, backupsMessages, remindersMessages, accountsMessages])
