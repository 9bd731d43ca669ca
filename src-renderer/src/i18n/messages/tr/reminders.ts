export const remindersMessages = {
  reminders: {
    title: 'Hatırlatmalar',
    expiring: {
      token: '“{title}” erişim belirtecinin süresi {when} tarihinde doluyor.',
      'ssh-key': '“{title}” SSH anahtarının süresi {when} tarihinde doluyor.',
      'api-key': 'API anahtarının süresi {when} tarihinde doluyor.',
      backup: '“{title}” zamanlanmış yedeği ilgi bekliyor ({when}).',
    },
    expired: {
      token: '“{title}” erişim belirtecinin süresi {when} tarihinde doldu.',
      'ssh-key': '“{title}” SSH anahtarının süresi {when} tarihinde doldu.',
      'api-key': 'API anahtarının süresi {when} tarihinde doldu.',
      backup: '“{title}” zamanlanmış yedeği başarısız oldu veya gecikti ({when}).',
    },
    replace: 'Yerine yenisini oluştur',
    remove: 'Kaldır',
    confirmRemove: '“{title}” kaldırılsın mı? Onu kullanan her şey çalışmayı bırakır.',
    dismiss: 'Bir hafta gösterme',
  },
  errors: { reminders: { unknown: 'Bu hatırlatma artık yok.' } },
}
