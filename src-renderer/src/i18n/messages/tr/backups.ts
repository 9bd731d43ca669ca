/** Backups (Settings -> Backups, restore at first start) and their error texts. */
export const backupsMessages = {
  errors: {
    backup: {
      fileMissing: 'Böyle bir yedek dosyası yok.',
      fileUnreadable: 'Yedek dosyası okunamıyor.',
      wrongPassphrase: 'Bu parola ifadesi bu yedeği açmıyor.',
      wrongIdentity: 'Bu yedek anahtarı bu yedeği açmıyor (yedek başka bir anahtar için yapılmış).',
      needsPassphrase: 'Bu yedek bir yedek anahtarıyla değil, parola ifadesiyle korunuyor.',
      needsIdentity: 'Bu yedek bir yedek anahtarı için yapılmış: parola ifadesi yerine anahtar dosyasını seçin.',
      truncated: 'Yedek dosyası eksik (yarım kalmış bir kopya ya da indirme). Hiçbir şey değiştirilmedi.',
      altered: 'Yedek dosyası yapıldıktan sonra değiştirilmiş ya da bozulmuş. Hiçbir şey değiştirilmedi.',
      notKeystead: 'Bu dosya bir Keystead yedeği değil.',
      tooNew: 'Bu yedek daha yeni bir Keystead ({version}) ile yapılmış. Geri yüklemek için Keystead’i güncelleyin.',
      formatTooNew: 'Bu yedek daha yeni bir yedek biçimi kullanıyor. Geri yüklemek için Keystead’i güncelleyin.',
      checksumMismatch: 'Yedekteki veritabanı sağlama değeriyle uyuşmuyor; yedek kullanılamaz.',
      integrityFailed: 'Yedekteki veritabanı bozuk; yedek kullanılamaz.',
      inconsistent: 'Yedekteki veritabanı bildirimiyle (manifest) uyuşmuyor; yedek kullanılamaz.',
      dataKeyMismatch: 'Yedekteki bir gizli bilgi yedeğin kendi anahtarıyla açılamıyor; yedek kullanılamaz.',
      storeInUse: 'Bu verileri başka bir Keystead (uygulama, komut satırı ya da yerel API) kullanıyor. Onu kapatıp yeniden deneyin. Hiçbir şey değiştirilmedi.',
      restoreFailed: 'Geri yüklenen veriler denetimden geçemedi; önceki veriler yerine kondu.',
    },
    secretFile: {
      exists: 'Bu dosya zaten var; başka bir ad seçin.',
      symlink: 'Bu yol sembolik bir bağlantı; Keystead gizli bilgileri bağlantılar üzerinden yazmaz.',
      notAFile: 'Bu yol var ve normal bir dosya değil.',
      foreignOwner: 'Bu dosya başka bir kullanıcıya ait; Keystead onu değiştirmez.',
      unwritable: 'Dosya oraya yazılamıyor.',
    },
  },
}
