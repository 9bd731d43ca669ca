export const commonMessages = {
  en: {
    app: {
      name: 'Keystead',
      tagline: 'Your accounts, kept on this computer.',
      loading: 'Loading…',
      skipToContent: 'Skip to content',
    },
    common: {
      save: 'Save',
      cancel: 'Cancel',
      close: 'Close',
      confirm: 'Confirm',
      continue: 'Continue',
      delete: 'Delete',
      copy: 'Copy',
      copied: 'Copied',
      optional: 'optional',
      working: 'Working…',
      yes: 'Yes',
      no: 'No',
      never: 'Never',
      unknown: 'Unknown',
    },
    nav: {
      label: 'Account sections',
      profile: 'Profile',
      security: 'Security',
      tokens: 'Access tokens',
      sshKeys: 'SSH keys',
      sessions: 'Sessions',
    },
    menu: {
      open: '{name}, profile menu',
      signOut: 'Sign out',
      signedInAs: 'Signed in as {name}',
    },
    startup: {
      title: 'Keystead cannot open your data',
      DB_TOO_NEW: 'This data was written by a newer version of Keystead. Install the newer version to open it; nothing was changed.',
      DB_CORRUPT: 'The data file is damaged. Keystead did not change or repair it. Keep a copy of the file and restore it from a backup.',
      DB_OPEN_FAILED: 'The data file could not be opened.',
      path: 'File: {path}',
      details: 'Details: {message}',
    },
    reauth: {
      title: 'Confirm your password',
      explanation: 'This is a sensitive action. Enter your password again to continue; it stays confirmed for 10 minutes.',
      password: 'Password',
      submit: 'Confirm',
    },
    profile: {
      createdAt: 'Member since',
    },
    placeholder: {
      comingSoon: 'This screen is being built.',
    },
  },
}
