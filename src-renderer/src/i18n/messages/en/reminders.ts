export const remindersMessages = {
  reminders: {
    title: 'Reminders',
    expiring: {
      token: 'Access token “{title}” expires {when}.',
      'ssh-key': 'SSH key “{title}” expires on {when}.',
      'api-key': 'The API key expires {when}.',
      backup: 'The scheduled backup “{title}” needs attention ({when}).',
    },
    expired: {
      token: 'Access token “{title}” expired {when}.',
      'ssh-key': 'SSH key “{title}” expired on {when}.',
      'api-key': 'The API key expired {when}.',
      backup: 'The scheduled backup “{title}” failed or is overdue ({when}).',
    },
    replace: 'Create a replacement',
    remove: 'Remove',
    confirmRemove: 'Remove “{title}”? Whatever uses it stops working.',
    dismiss: 'Dismiss for a week',
  },
  errors: { reminders: { unknown: 'This reminder is no longer there.' } },
}
