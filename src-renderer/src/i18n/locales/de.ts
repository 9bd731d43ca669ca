import { mergeMessageTrees } from '../merge.ts'
import { commonMessages } from '../messages/de/common.ts'
import { authMessages } from '../messages/de/auth.ts'
import { securityMessages } from '../messages/de/security.ts'
import { tokensMessages } from '../messages/de/tokens.ts'
import { profileMessages } from '../messages/de/profile.ts'
import { settingsMessages } from '../messages/de/settings.ts'
import { sshKeysMessages } from '../messages/de/sshKeys.ts'
import { sessionsMessages } from '../messages/de/sessions.ts'
import { auditMessages } from '../messages/de/audit.ts'
import { backupsMessages } from '../messages/de/backups.ts'
import { remindersMessages } from '../messages/de/reminders.ts'
import { accountsMessages } from '../messages/de/accounts.ts'

/** Every German string of the UI, the domains merged into one tree. Loaded only when the UI switches to it (its own chunk). */
export default mergeMessageTrees([commonMessages, authMessages, securityMessages, tokensMessages, profileMessages, settingsMessages, sshKeysMessages, sessionsMessages, auditMessages, backupsMessages, remindersMessages, accountsMessages])
