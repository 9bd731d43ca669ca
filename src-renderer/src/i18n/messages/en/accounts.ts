export const accountsMessages = {
  auth: { sessionEnded: { locked: 'This account was locked by an administrator.' } },
  errors: {
    admin: {
      required: 'Only an administrator can do this.',
      lastDemote: '{username} is the last administrator and cannot be made a member. Make another account an administrator first.',
      lastLock: '{username} is the last administrator and cannot be locked. Make another account an administrator first.',
      lastDelete: '{username} is the last administrator and cannot be deleted. Make another account an administrator first.',
    },
    accounts: {
      cursorInvalid: 'This page no longer matches the list. Start again from the first page.',
      sortInvalid: 'Sort by one of the listed columns.',
      searchTooLong: 'A search can have at most {max} characters.',
      limitInvalid: 'A page holds 1 to {max} accounts.',
      deleteSelf: 'Delete your own account from your profile page.',
    },
    signIn: { locked: 'This account is locked. Ask an administrator to unlock it.' },
    password: { changeRequired: 'Change your password before doing anything else.' },
  },
}
