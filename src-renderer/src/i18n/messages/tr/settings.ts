/** The Settings screen (app-wide preferences) and its error texts. */
export const settingsMessages = {
  settings: {
    title: 'Ayarlar',
    intro: 'Bu tercihler bu bilgisayardaki Keystead için, tüm hesaplarda geçerlidir.',
    loadFailed: 'Ayarlar yüklenemedi.',
    saved: 'Kaydedildi.',
    theme: {
      title: 'Tema',
      system: 'Sistemle aynı',
      light: 'Açık',
      dark: 'Koyu',
    },
    api: {
      title: 'Yerel REST API',
      explanation:
        'Bu bilgisayardaki betiklerin hesabınızı HTTP üzerinden yönetmesini sağlar. Yalnızca 127.0.0.1 adresini dinler, yani başka bilgisayarlar erişemez; her istek bir erişim anahtarı ya da API anahtarınızı gerektirir.',
      enable: 'Yerel REST API’yi aç',
      port: 'Bağlantı noktası',
      portHelp: '1024 ile 65535 arasında bir sayı. Varsayılan 7420’dir.',
      running: 'Dinlenen adres:',
      off: 'Yerel API kapalı.',
      notRunning: 'Yerel API açık ama çalışmıyor: {problem}',
      example: 'curl ile deneyin',
      exampleHelp: 'Önce erişim anahtarlarınızdan birini KEYSTEAD_TOKEN değişkenine koyun.',
    },
    lifetimes: {
      title: 'Oturum süreleri',
      explanation: 'Bir oturum açmanın ne kadar süre geçerli kalacağı. Kısa süre daha güvenlidir; daha sık oturum açarsınız.',
      idle: 'Bu kadar saat kullanılmayan oturumu sonlandır',
      idleHelp: '1 ile 720 saat arası.',
      absolute: 'Her oturumu bu kadar gün sonra sonlandır',
      absoluteHelp: '1 ile 365 gün arası; boşta kalma süresinden kısa olamaz.',
    },
  },
  errors: {
    settings: {
      portRange: 'Bağlantı noktası {min} ile {max} arasında bir tam sayı olmalıdır.',
      portInUse: '{port} numaralı bağlantı noktasını başka bir program kullanıyor. Başka bir bağlantı noktası seçin.',
      portDenied: '{port} numaralı bağlantı noktası bu bilgisayarda kullanılamaz. Başka bir bağlantı noktası seçin.',
      lifetimeRange: '{min} ile {max} arasında bir tam sayı girin.',
      idleExceedsAbsolute: 'Bir oturum, toplam süresinden daha uzun boşta kalamaz.',
      themeInvalid: 'Sunulan temalardan birini seçin.',
      apiUnavailable: 'Yerel API burada çalışamaz.',
    },
  },
}
