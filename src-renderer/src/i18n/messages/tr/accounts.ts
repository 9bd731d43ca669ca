export const accountsMessages = {
  auth: { sessionEnded: { locked: 'Bu hesap bir yönetici tarafından kilitlendi.' } },
  errors: {
    admin: {
      required: 'Bunu yalnızca bir yönetici yapabilir.',
      lastDemote: '{username} son yöneticidir ve üyeye dönüştürülemez. Önce başka bir hesabı yönetici yapın.',
      lastLock: '{username} son yöneticidir ve kilitlenemez. Önce başka bir hesabı yönetici yapın.',
      lastDelete: '{username} son yöneticidir ve silinemez. Önce başka bir hesabı yönetici yapın.',
    },
    accounts: {
      cursorInvalid: 'Bu sayfa artık listeyle uyuşmuyor. İlk sayfadan yeniden başlayın.',
      sortInvalid: 'Listelenen sütunlardan birine göre sıralayın.',
      searchTooLong: 'Bir arama en fazla {max} karakter olabilir.',
      limitInvalid: 'Bir sayfada 1 ile {max} arasında hesap olur.',
      deleteSelf: 'Kendi hesabınızı profil sayfanızdan silin.',
    },
    signIn: { locked: 'Bu hesap kilitli. Kilidi açması için bir yöneticiye başvurun.' },
    password: { changeRequired: 'Başka bir şey yapmadan önce parolanızı değiştirin.' },
  },
}
