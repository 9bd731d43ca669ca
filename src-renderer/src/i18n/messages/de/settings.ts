/** The Settings screen (app-wide preferences) and its error texts. */
export const settingsMessages = {
  settings: {
    title: 'Einstellungen',
    intro: 'Diese Einstellungen gelten für Keystead auf diesem Computer, für alle Konten.',
    loadFailed: 'Die Einstellungen konnten nicht geladen werden.',
    saved: 'Gespeichert.',
    theme: {
      title: 'Erscheinungsbild',
      system: 'Wie das System',
      light: 'Hell',
      dark: 'Dunkel',
    },
    api: {
      title: 'Lokale REST-API',
      explanation:
        'Erlaubt Skripten auf diesem Computer, Ihr Konto über HTTP zu verwalten. Sie lauscht nur auf 127.0.0.1, andere Computer erreichen sie also nicht, und jede Anfrage braucht ein Zugriffstoken oder Ihren API-Schlüssel.',
      enable: 'Lokale REST-API einschalten',
      port: 'Port',
      portHelp: 'Eine Zahl von 1024 bis 65535. Voreingestellt ist 7420.',
      running: 'Erreichbar unter',
      off: 'Die lokale API ist ausgeschaltet.',
      notRunning: 'Die lokale API ist eingeschaltet, läuft aber nicht: {problem}',
      example: 'Mit curl ausprobieren',
      exampleHelp: 'Legen Sie vorher eines Ihrer Zugriffstokens in die Variable KEYSTEAD_TOKEN.',
    },
    lifetimes: {
      title: 'Dauer von Sitzungen',
      explanation: 'Wie lange eine Anmeldung gültig bleibt. Kürzer ist sicherer; Sie melden sich dann öfter an.',
      idle: 'Sitzung nach so vielen Stunden ohne Nutzung beenden',
      idleHelp: 'Von 1 bis 720 Stunden.',
      absolute: 'Jede Sitzung nach so vielen Tagen beenden',
      absoluteHelp: 'Von 1 bis 365 Tagen, und nicht kürzer als die Leerlaufgrenze.',
    },
  },
  errors: {
    settings: {
      portRange: 'Der Port muss eine ganze Zahl von {min} bis {max} sein.',
      portInUse: 'Port {port} wird bereits von einem anderen Programm benutzt. Wählen Sie einen anderen Port.',
      portDenied: 'Port {port} darf auf diesem Computer nicht benutzt werden. Wählen Sie einen anderen Port.',
      lifetimeRange: 'Geben Sie eine ganze Zahl von {min} bis {max} ein.',
      idleExceedsAbsolute: 'Eine Sitzung kann nicht länger ungenutzt bleiben, als sie insgesamt dauert.',
      themeInvalid: 'Wählen Sie eines der angebotenen Erscheinungsbilder.',
      apiUnavailable: 'Die lokale API kann hier nicht laufen.',
    },
  },
}
