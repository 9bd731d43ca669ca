import { validationError } from '../errors.ts'
import { isCommonPassword } from '../password-policy.ts'
import { AGE_RECIPIENT_PATTERN, parseIdentityFile, parseRecipientsFile } from './age.ts'
import { MIN_BACKUP_PASSPHRASE_LENGTH } from './backup-format.ts'

/**
 * The checks of what people give a backup (CLI, IPC): one place, so every face refuses the same way.
 */
export async function validateBackupPassphrase(passphrase: string, field = 'passphrase'): Promise<string> {
  if ([...passphrase].length < MIN_BACKUP_PASSPHRASE_LENGTH) {
    throw validationError(field, 'backup.passphraseTooShort', `The passphrase must have at least ${MIN_BACKUP_PASSPHRASE_LENGTH} characters.`, { min: MIN_BACKUP_PASSPHRASE_LENGTH })
  }
  if (await isCommonPassword(passphrase)) throw validationError(field, 'backup.passphraseCommon', 'This passphrase is on a list of commonly used passwords. Choose another one.')
  return passphrase
}

export function validateRecipient(value: string, field = 'recipient'): string {
  const recipient = value.trim()
  if (!AGE_RECIPIENT_PATTERN.test(recipient)) throw validationError(field, 'backup.recipientInvalid', 'This is not an age recipient (age1… followed by 58 characters).')
  return recipient
}

export function readRecipientsText(text: string, field = 'recipientFile'): string[] {
  const recipients = parseRecipientsFile(text)
  if (!recipients) throw validationError(field, 'backup.recipientInvalid', 'The recipients file must hold age1… recipients, one a line.')
  return recipients
}

export function readIdentityText(text: string, field = 'identity'): string {
  const identity = parseIdentityFile(text)
  if (!identity) throw validationError(field, 'backup.identityInvalid', 'This is not a backup key (an age identity file with an AGE-SECRET-KEY-1… line).')
  return identity
}
