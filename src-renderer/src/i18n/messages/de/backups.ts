/** Backups (Settings -> Backups, restore at first start) and their error texts. */
export const backupsMessages = {
  errors: {
    backup: {
      fileMissing: 'Diese Sicherungsdatei gibt es nicht.',
      fileUnreadable: 'Die Sicherungsdatei kann nicht gelesen werden.',
      wrongPassphrase: 'Die Passphrase öffnet diese Sicherung nicht.',
      wrongIdentity: 'Dieser Sicherungsschlüssel öffnet diese Sicherung nicht (sie wurde für einen anderen Schlüssel erstellt).',
      needsPassphrase: 'Diese Sicherung ist mit einer Passphrase geschützt, nicht mit einem Sicherungsschlüssel.',
      needsIdentity: 'Diese Sicherung wurde für einen Sicherungsschlüssel erstellt: Wählen Sie dessen Schlüsseldatei statt einer Passphrase.',
      truncated: 'Die Sicherungsdatei ist unvollständig (abgebrochene Kopie oder Download). Es wurde nichts geändert.',
      altered: 'Die Sicherungsdatei wurde nach dem Erstellen verändert oder beschädigt. Es wurde nichts geändert.',
      notKeystead: 'Diese Datei ist keine Keystead-Sicherung.',
      tooNew: 'Diese Sicherung stammt von einem neueren Keystead ({version}). Aktualisieren Sie Keystead, um sie wiederherzustellen.',
      formatTooNew: 'Diese Sicherung verwendet ein neueres Format. Aktualisieren Sie Keystead, um sie wiederherzustellen.',
      checksumMismatch: 'Die Datenbank in der Sicherung passt nicht zu ihrer Prüfsumme; die Sicherung ist unbrauchbar.',
      integrityFailed: 'Die Datenbank in der Sicherung ist beschädigt; die Sicherung ist unbrauchbar.',
      inconsistent: 'Die Datenbank in der Sicherung passt nicht zu ihrem Manifest; die Sicherung ist unbrauchbar.',
      dataKeyMismatch: 'Ein Geheimnis in der Sicherung lässt sich mit dem Schlüssel der Sicherung nicht öffnen; die Sicherung ist unbrauchbar.',
      storeInUse: 'Ein anderes Keystead (die App, die Kommandozeile oder die lokale API) verwendet diese Daten. Schließen Sie es und versuchen Sie es erneut. Es wurde nichts geändert.',
      restoreFailed: 'Die wiederhergestellten Daten haben ihre Prüfung nicht bestanden; die vorherigen Daten sind wieder da.',
    },
    secretFile: {
      exists: 'Diese Datei gibt es schon; wählen Sie einen anderen Namen.',
      symlink: 'Dieser Pfad ist ein symbolischer Link; Keystead schreibt Geheimnisse nicht über Links.',
      notAFile: 'Dieser Pfad existiert und ist keine normale Datei.',
      foreignOwner: 'Diese Datei gehört einem anderen Benutzer; Keystead ersetzt sie nicht.',
      unwritable: 'Die Datei kann dort nicht geschrieben werden.',
    },
  },
}
