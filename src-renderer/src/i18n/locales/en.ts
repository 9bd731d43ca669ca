import { mergeMessageTrees } from '../merge.ts'
import { commonMessages } from '../messages/en/common.ts'
import { authMessages } from '../messages/en/auth.ts'
import { securityMessages } from '../messages/en/security.ts'
import { tokensMessages } from '../messages/en/tokens.ts'
import { profileMessages } from '../messages/en/profile.ts'
import { settingsMessages } from '../messages/en/settings.ts'
import { sshKeysMessages } from '../messages/en/sshKeys.ts'
import { sessionsMessages } from '../messages/en/sessions.ts'
import { auditMessages } from '../messages/en/audit.ts'
import { backupsMessages } from '../messages/en/backups.ts'
import { remindersMessages } from '../messages/en/reminders.ts'
import { accountsMessages } from '../messages/en/accounts.ts'

/** Every English string of the UI, the domains merged into one tree. */
export default mergeMessageTrees([commonMessages, authMessages, securityMessages, tokensMessages, profileMessages, settingsMessages, sshKeysMessages, sessionsMessages, auditMessages, backupsMessages, remindersMessages, accountsMessages])
