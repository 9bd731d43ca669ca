export const accountsMessages = {
  auth: { sessionEnded: { locked: 'Dieses Konto wurde von einem Administrator gesperrt.' } },
  errors: {
    admin: {
      required: 'Das kann nur ein Administrator.',
      lastDemote: '{username} ist der letzte Administrator und kann nicht zum Mitglied gemacht werden. Machen Sie zuerst ein anderes Konto zum Administrator.',
      lastLock: '{username} ist der letzte Administrator und kann nicht gesperrt werden. Machen Sie zuerst ein anderes Konto zum Administrator.',
      lastDelete: '{username} ist der letzte Administrator und kann nicht gelöscht werden. Machen Sie zuerst ein anderes Konto zum Administrator.',
    },
    accounts: {
      cursorInvalid: 'Diese Seite passt nicht mehr zur Liste. Beginnen Sie wieder mit der ersten Seite.',
      sortInvalid: 'Sortieren Sie nach einer der angezeigten Spalten.',
      searchTooLong: 'Eine Suche darf höchstens {max} Zeichen haben.',
      limitInvalid: 'Eine Seite enthält 1 bis {max} Konten.',
      deleteSelf: 'Löschen Sie Ihr eigenes Konto auf Ihrer Profilseite.',
    },
    signIn: { locked: 'Dieses Konto ist gesperrt. Bitten Sie einen Administrator, es zu entsperren.' },
    password: { changeRequired: 'Ändern Sie zuerst Ihr Passwort.' },
  },
}
