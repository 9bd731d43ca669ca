/** The Settings screen (app-wide preferences) and its error texts. */
export const settingsMessages = {
  settings: {
    title: 'Settings',
    intro: 'These preferences apply to Keystead on this computer, for every account.',
    loadFailed: 'The settings could not be loaded.',
    saved: 'Saved.',
    theme: {
      title: 'Theme',
      system: 'Same as the system',
      light: 'Light',
      dark: 'Dark',
    },
    api: {
      title: 'Local REST API',
      explanation:
        'Lets scripts on this computer manage your account over HTTP. It listens on 127.0.0.1 only, so other computers cannot reach it, and every request needs an access token or your API key.',
      enable: 'Turn on the local REST API',
      port: 'Port',
      portHelp: 'A number from 1024 to 65535. The default is 7420.',
      running: 'Listening on',
      off: 'The local API is off.',
      notRunning: 'The local API is switched on but not running: {problem}',
      example: 'Try it with curl',
      exampleHelp: 'Put one of your access tokens in the KEYSTEAD_TOKEN variable first.',
    },
    lifetimes: {
      title: 'Session lifetimes',
      explanation: 'How long a sign-in stays valid. Shorter is safer; you sign in more often.',
      idle: 'End a session after this many hours without use',
      idleHelp: 'From 1 to 720 hours.',
      absolute: 'End every session after this many days',
      absoluteHelp: 'From 1 to 365 days, and at least as long as the idle limit.',
    },
  },
  errors: {
    settings: {
      portRange: 'The port must be a whole number from {min} to {max}.',
      portInUse: 'Port {port} is already used by another program. Choose another port.',
      portDenied: 'Port {port} may not be used on this computer. Choose another port.',
      lifetimeRange: 'Enter a whole number from {min} to {max}.',
      idleExceedsAbsolute: 'A session cannot stay idle longer than its whole lifetime.',
      themeInvalid: 'Choose one of the offered themes.',
      apiUnavailable: 'The local API cannot run here.',
    },
  },
}
