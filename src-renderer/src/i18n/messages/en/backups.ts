/** Backups (Settings -> Backups, restore at first start) and their error texts. */
export const backupsMessages = {
  errors: {
    backup: {
      fileMissing: 'There is no such backup file.',
      fileUnreadable: 'The backup file cannot be read.',
      wrongPassphrase: 'The passphrase does not open this backup.',
      wrongIdentity: 'This backup key does not open this backup (it was made for another key).',
      needsPassphrase: 'This backup is protected by a passphrase, not a backup key.',
      needsIdentity: 'This backup was made for a backup key: choose its identity file instead of a passphrase.',
      truncated: 'The backup file is cut short (an incomplete copy or download). Nothing was changed.',
      altered: 'The backup file was altered or damaged after it was made. Nothing was changed.',
      notKeystead: 'This file is not a Keystead backup.',
      tooNew: 'This backup was made by a newer Keystead ({version}). Update Keystead to restore it.',
      formatTooNew: 'This backup uses a newer backup format. Update Keystead to restore it.',
      checksumMismatch: 'The database inside the backup does not match its checksum; the backup is unusable.',
      integrityFailed: 'The database inside the backup is damaged; the backup is unusable.',
      inconsistent: 'The database inside the backup does not match its manifest; the backup is unusable.',
      dataKeyMismatch: 'A secret inside the backup cannot be opened with the backup’s own key; the backup is unusable.',
      storeInUse: 'Another Keystead (the app, the command line or the local API) is using this data. Close it and try again. Nothing was changed.',
      restoreFailed: 'The restored data failed its checks; the previous data is back in place.',
    },
    secretFile: {
      exists: 'That file already exists; choose another name.',
      symlink: 'That path is a symbolic link; Keystead does not write secrets through links.',
      notAFile: 'That path exists and is not a regular file.',
      foreignOwner: 'That file belongs to another user; Keystead does not replace it.',
      unwritable: 'The file cannot be written there.',
    },
  },
}
