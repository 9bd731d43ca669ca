export const remindersMessages = {
  reminders: {
    title: 'Erinnerungen',
    expiring: {
      token: 'Zugriffstoken „{title}“ läuft ab am {when}.',
      'ssh-key': 'SSH-Schlüssel „{title}“ läuft ab am {when}.',
      'api-key': 'Der API-Schlüssel läuft ab am {when}.',
      backup: 'Die geplante Sicherung „{title}“ braucht Aufmerksamkeit ({when}).',
    },
    expired: {
      token: 'Zugriffstoken „{title}“ ist abgelaufen am {when}.',
      'ssh-key': 'SSH-Schlüssel „{title}“ ist abgelaufen am {when}.',
      'api-key': 'Der API-Schlüssel ist abgelaufen am {when}.',
      backup: 'Die geplante Sicherung „{title}“ ist fehlgeschlagen oder überfällig ({when}).',
    },
    replace: 'Ersatz erstellen',
    remove: 'Entfernen',
    confirmRemove: '„{title}“ entfernen? Was es verwendet, funktioniert dann nicht mehr.',
    dismiss: 'Eine Woche ausblenden',
  },
  errors: { reminders: { unknown: 'Diese Erinnerung gibt es nicht mehr.' } },
}
