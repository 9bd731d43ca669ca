import type { EventTextTools, SecurityLogTexts } from './event-text-types.ts'

const byAdmin = (t: EventTextTools, text: string): string => (t.text('by') ? `${text} (yönetici ${t.quote(t.text('by'))} tarafından)` : text)
const onAccount = (t: EventTextTools, own: string, other: (name: string) => string): string => byAdmin(t, t.text('target') ? other(t.quote(t.text('target'))) : own)
const roleWord = (role: string): string => (role === 'administrator' ? 'yönetici' : 'üye')

/** Turkish. Adding a kind: one entry in `kinds` (the type check and the test name the missing ones). */
export const securityLogTextsTR: SecurityLogTexts = {
  locale: 'tr',
  quotes: ['“', '”'],
  kinds: {
    'account.created': { name: 'Hesap oluşturuldu', sentence: () => 'Hesap oluşturuldu' },
    signin: { name: 'Oturum açıldı', sentence: () => 'Oturum açıldı' },
    'signin.failed': { name: 'Başarısız oturum açma', sentence: () => 'Bir oturum açma reddedildi: kullanıcı adı veya parola yanlış' },
    signout: { name: 'Oturum kapatıldı', sentence: () => 'Oturum kapatıldı' },
    reauth: { name: 'Parola doğrulandı', sentence: () => 'Hassas bir işlem için parola doğrulandı' },
    'reauth.failed': {
      name: 'Parola doğrulanamadı',
      sentence: (t) => (t.text('action') === 'account.deletion' ? 'Hesabı silmek için yanlış parola girildi' : 'Hassas bir işlemi onaylamak için yanlış parola girildi'),
    },
    'password.changed': {
      name: 'Parola değiştirildi',
      sentence: (t) => `Parola değiştirildi; diğer ${t.number('signedOutSessions') ?? 0} oturum kapatıldı`,
    },
    'twofactor.enabled': { name: 'İki adımlı doğrulama açık', sentence: () => 'İki adımlı doğrulama açıldı' },
    'twofactor.disabled': { name: 'İki adımlı doğrulama kapalı', sentence: () => 'İki adımlı doğrulama kapatıldı' },
    'twofactor.recovery.regenerated': { name: 'Yeni kurtarma kodları', sentence: () => 'Yeni kurtarma kodları oluşturuldu; eskileri artık geçersiz' },
    'twofactor.recovery.used': { name: 'Kurtarma kodu kullanıldı', sentence: (t) => `Oturum açmak için bir kurtarma kodu kullanıldı; ${t.number('left') ?? 0} kod kaldı` },
    'twofactor.failed': {
      name: 'Başarısız ikinci adım',
      sentence: (t) => (t.text('method') === 'recovery-code' ? 'Yanlış bir kurtarma kodu girildi' : 'Yanlış bir doğrulayıcı kodu girildi'),
    },
    'apikey.regenerated': { name: 'API anahtarı yenilendi', sentence: () => 'API anahtarı yenilendi; eski anahtar artık çalışmıyor' },
    'token.created': {
      name: 'Erişim belirteci oluşturuldu',
      sentence: (t) =>
        `${t.quote(t.text('title'))} erişim belirteci oluşturuldu: ${t.scope()}, ${t.detail.expiresAt ? `${t.dateTime(t.text('expiresAt'))} tarihinde sona erer` : 'süresi dolmaz'}, ${t.detail.isEnabled === false ? 'kapalı' : 'açık'}`,
    },
    'token.enabled': { name: 'Erişim belirteci açıldı', sentence: (t) => `${t.quote(t.text('title'))} erişim belirteci açıldı` },
    'token.disabled': { name: 'Erişim belirteci kapatıldı', sentence: (t) => `${t.quote(t.text('title'))} erişim belirteci kapatıldı` },
    'token.deleted': { name: 'Erişim belirteci silindi', sentence: (t) => `${t.quote(t.text('title'))} erişim belirteci silindi` },
    'profile.updated': { name: 'Profil değiştirildi', sentence: (t) => `Profil değiştirildi: ${t.fields()}` },
    'username.changed': { name: 'Kullanıcı adı değiştirildi', sentence: (t) => `Kullanıcı adı ${t.quote(t.text('from'))} yerine ${t.quote(t.text('to'))} oldu` },
    'picture.changed': {
      name: 'Profil resmi değiştirildi',
      sentence: (t) => `Yeni bir profil resmi ayarlandı (${t.text('sourceType').toUpperCase()}, ${t.number('width') ?? '?'} × ${t.number('height') ?? '?'} piksel)`,
    },
    'picture.removed': { name: 'Profil resmi kaldırıldı', sentence: () => 'Profil resmi kaldırıldı' },
    'account.deletion': { name: 'Hesap silindi', sentence: () => 'Hesap silindi' },
    'password.reset': { name: 'Parola sıfırlandı', sentence: () => 'Parola sıfırlandı; tüm oturumlar kapatıldı' },
    'account.contactUpdated': { name: 'İletişim bilgileri değiştirildi', sentence: (t) => `İletişim bilgileri değiştirildi: ${t.fields()}` },
    'session.revoked': { name: 'Oturum yönetici tarafından kapatıldı', sentence: () => 'Bir oturum kapatıldı' },
    'sessions.revokedOthers': {
      name: 'Oturumlar yönetici tarafından kapatıldı',
      sentence: (t) => `${t.number('count') ?? 0} oturum kapatıldı; biri açık bırakıldı`,
    },
    'account.exported': { name: 'Hesap dışa aktarıldı', sentence: () => 'Hesabın verileri dışa aktarıldı (parola, belirteç veya anahtar olmadan)' },
    'sshKey.added': { name: 'SSH anahtarı eklendi', sentence: (t) => `${t.quote(t.text('title'))} SSH anahtarı eklendi (${t.text('type')}, ${t.text('fingerprint').slice(0, 19)}…)` },
    'sshKey.removed': { name: 'SSH anahtarı kaldırıldı', sentence: (t) => `${t.quote(t.text('title'))} SSH anahtarı kaldırıldı (${t.text('type')}, ${t.text('fingerprint').slice(0, 19)}…)` },
    'session.closed': { name: 'Oturum sonlandırıldı', sentence: (t) => `${t.device(t.text('closedDevice'))} üzerindeki oturum sonlandırıldı` },
    'session.closedOthers': { name: 'Diğer oturumlar kapatıldı', sentence: (t) => `Diğer ${t.number('count') ?? 0} oturum kapatıldı` },
    'session.restored': { name: 'Saklanan oturum geri yüklendi', sentence: () => 'Keystead başlarken saklanan bir oturum geri yüklendi' },
    'session.policyChanged': {
      name: 'Oturum süreleri değiştirildi',
      sentence: (t) => `Oturum süreleri değiştirildi: ${t.number('idleTimeoutMinutes') ?? '?'} dakika işlem yapılmazsa, en çok ${t.number('absoluteTimeoutMinutes') ?? '?'} dakika sonra kapanır`,
    },
    'log.exported': {
      name: 'Güvenlik günlüğü dışa aktarıldı',
      sentence: (t) => `Güvenlik günlüğü ${t.text('format').toUpperCase()} olarak dışa aktarıldı (${t.number('count') ?? 0} kayıt)`,
    },
    'backup.restored': {
      name: 'Yedekten geri yüklendi',
      sentence: (t) => `Veriler ${t.text('backupCreatedAt') ? t.dateTime(t.text('backupCreatedAt')) : 'daha önce'} alınmış bir yedekten geri yüklendi; tüm oturumlar kapatıldı`,
    },
    'account.roleChanged': { name: 'Rol değiştirildi', sentence: (t) => onAccount(t, `Hesabın rolü ${roleWord(t.text('role'))} olarak değiştirildi`, (n) => `${n} hesabının rolü ${roleWord(t.text('role'))} olarak değiştirildi`) },
    'account.locked': { name: 'Hesap kilitlendi', sentence: (t) => onAccount(t, 'Hesap kilitlendi; oturumları kapatıldı', (n) => `${n} hesabı kilitlendi`) },
    'account.unlocked': { name: 'Hesabın kilidi açıldı', sentence: (t) => onAccount(t, 'Hesabın kilidi açıldı', (n) => `${n} hesabının kilidi açıldı`) },
    'password.changeRequired': { name: 'Parola değişikliği istendi', sentence: (t) => onAccount(t, 'Bir sonraki oturum açmada yeni parola gerekiyor', (n) => `${n} bir sonraki oturum açmada yeni parola seçmeli`) },
    'password.temporarySet': { name: 'Geçici parola belirlendi', sentence: (t) => onAccount(t, 'Geçici bir parola belirlendi; bir sonraki oturum açmada değiştirilmeli', (n) => `${n} için geçici bir parola belirlendi`) },
    'twofactor.reset': { name: 'İki adımlı doğrulama sıfırlandı', sentence: (t) => onAccount(t, 'İki adımlı doğrulama sıfırlandı (kapatıldı)', (n) => `${n} hesabının iki adımlı doğrulaması sıfırlandı`) },
    'sessions.endedByAdmin': { name: 'Her yerde oturum kapatıldı', sentence: (t) => onAccount(t, `Her yerde oturum kapatıldı (${t.number('count') ?? 0} oturum)`, (n) => `${n} için her yerde oturum kapatıldı (${t.number('count') ?? 0} oturum)`) },
    'tokens.revokedByAdmin': { name: 'Tüm belirteçler iptal edildi', sentence: (t) => onAccount(t, `Tüm erişim belirteçleri iptal edildi (${t.number('count') ?? 0})`, (n) => `${n} hesabının tüm erişim belirteçleri iptal edildi (${t.number('count') ?? 0})`) },
    'account.deletedByAdmin': { name: 'Hesap bir yönetici tarafından silindi', sentence: (t) => onAccount(t, 'Hesap silindi', (n) => `${n} hesabı silindi`) },
    'account.createdByAdmin': { name: 'Hesap bir yönetici tarafından oluşturuldu', sentence: (t) => onAccount(t, `Hesap ${roleWord(t.text('role'))} olarak oluşturuldu`, (n) => `${n} hesabı ${roleWord(t.text('role'))} olarak oluşturuldu`) },
    'signin.locked': { name: 'Kilitli hesapla oturum açma', sentence: () => 'Parola doğruydu, ancak hesap kilitli: oturum açma reddedildi' },
  },
  groups: {
    signIns: 'Oturum açmalar',
    passwordTwoFactor: 'Parola ve iki adımlı doğrulama',
    tokensApiKey: 'Belirteçler ve API anahtarı',
    sshKeys: 'SSH anahtarları',
    sessions: 'Oturumlar',
    profile: 'Profil',
    administration: 'Yönetim',
  },
  unknownKind: (kind) => `Bu sürümün tanımadığı türde bir olay (${kind})`,
  actor: {
    thisWindow: 'bu pencereden',
    otherSession: (device) => `başka bir oturumdan (${device})`,
    commandLine: 'komut satırından',
    localAPI: 'yerel API üzerinden',
    localAPIToken: (title) => `yerel API üzerinden “${title}” belirteciyle`,
    administrator: (face) => `bir yönetici tarafından (${face})`,
    signInScreen: (face) => `${face} oturum açma ekranında`,
    keystead: 'Keystead tarafından',
  },
  faces: { app: 'uygulama', cli: 'komut satırı', api: 'yerel API' },
  device: { summary: (browser, os, arch) => `${os} üzerinde ${browser} (${arch})`, unknown: 'Bilinmiyor' },
  words: {
    never: 'hiçbir zaman',
    on: 'açık',
    off: 'kapalı',
    scopes: { 'read-only': 'salt okunur', 'read-write': 'okuma ve yazma' },
    fields: { fullName: 'ad soyad', email: 'e-posta', description: 'açıklama', language: 'dil', timezone: 'saat dilimi' },
    methods: { totp: 'doğrulayıcı kodu', 'recovery-code': 'kurtarma kodu' },
  },
}
