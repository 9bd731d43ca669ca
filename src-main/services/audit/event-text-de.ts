import type { EventTextTools, SecurityLogTexts } from './event-text-types.ts'

const byAdmin = (t: EventTextTools, text: string): string => (t.text('by') ? `${text} (durch Administrator ${t.quote(t.text('by'))})` : text)
const onAccount = (t: EventTextTools, own: string, other: (name: string) => string): string => byAdmin(t, t.text('target') ? other(t.quote(t.text('target'))) : own)
const roleWord = (role: string): string => (role === 'administrator' ? 'Administrator' : 'Mitglied')

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many.replace('#', String(n)))

/** German. Adding a kind: one entry in `kinds` (the type check and the test name the missing ones). */
export const securityLogTextsDE: SecurityLogTexts = {
  locale: 'de',
  quotes: ['„', '“'],
  kinds: {
    'account.created': { name: 'Konto angelegt', sentence: () => 'Das Konto wurde angelegt' },
    signin: { name: 'Angemeldet', sentence: () => 'Angemeldet' },
    'signin.failed': { name: 'Fehlgeschlagene Anmeldung', sentence: () => 'Eine Anmeldung wurde abgelehnt: falscher Benutzername oder falsches Passwort' },
    signout: { name: 'Abgemeldet', sentence: () => 'Abgemeldet' },
    reauth: { name: 'Passwort bestätigt', sentence: () => 'Das Passwort wurde für eine sensible Aktion bestätigt' },
    'reauth.failed': {
      name: 'Passwortbestätigung fehlgeschlagen',
      sentence: (t) => (t.text('action') === 'account.deletion' ? 'Zum Löschen des Kontos wurde ein falsches Passwort eingegeben' : 'Zur Bestätigung einer sensiblen Aktion wurde ein falsches Passwort eingegeben'),
    },
    'password.changed': {
      name: 'Passwort geändert',
      sentence: (t) => `Das Passwort wurde geändert; ${plural(t.number('signedOutSessions') ?? 0, 'eine andere Sitzung wurde', '# andere Sitzungen wurden')} abgemeldet`,
    },
    'twofactor.enabled': { name: 'Zwei-Faktor-Authentifizierung an', sentence: () => 'Die Zwei-Faktor-Authentifizierung wurde eingeschaltet' },
    'twofactor.disabled': { name: 'Zwei-Faktor-Authentifizierung aus', sentence: () => 'Die Zwei-Faktor-Authentifizierung wurde ausgeschaltet' },
    'twofactor.recovery.regenerated': { name: 'Neue Wiederherstellungscodes', sentence: () => 'Neue Wiederherstellungscodes wurden erzeugt; die alten gelten nicht mehr' },
    'twofactor.recovery.used': {
      name: 'Wiederherstellungscode verwendet',
      sentence: (t) => `Zur Anmeldung wurde ein Wiederherstellungscode verwendet; ${plural(t.number('left') ?? 0, 'einer ist', '# sind')} übrig`,
    },
    'twofactor.failed': {
      name: 'Fehlgeschlagener zweiter Faktor',
      sentence: (t) => (t.text('method') === 'recovery-code' ? 'Ein falscher Wiederherstellungscode wurde eingegeben' : 'Ein falscher Authenticator-Code wurde eingegeben'),
    },
    'apikey.regenerated': { name: 'API-Schlüssel ersetzt', sentence: () => 'Der API-Schlüssel wurde ersetzt; der alte Schlüssel gilt nicht mehr' },
    'token.created': {
      name: 'Zugriffstoken erstellt',
      sentence: (t) =>
        `Zugriffstoken ${t.quote(t.text('title'))} erstellt: ${t.scope()}, ${t.detail.expiresAt ? `läuft ab am ${t.dateTime(t.text('expiresAt'))}` : 'läuft nie ab'}, ${t.detail.isEnabled === false ? 'ausgeschaltet' : 'eingeschaltet'}`,
    },
    'token.enabled': { name: 'Zugriffstoken eingeschaltet', sentence: (t) => `Zugriffstoken ${t.quote(t.text('title'))} wurde eingeschaltet` },
    'token.disabled': { name: 'Zugriffstoken ausgeschaltet', sentence: (t) => `Zugriffstoken ${t.quote(t.text('title'))} wurde ausgeschaltet` },
    'token.deleted': { name: 'Zugriffstoken gelöscht', sentence: (t) => `Zugriffstoken ${t.quote(t.text('title'))} wurde gelöscht` },
    'profile.updated': { name: 'Profil geändert', sentence: (t) => `Profil geändert: ${t.fields()}` },
    'username.changed': { name: 'Benutzername geändert', sentence: (t) => `Der Benutzername wurde von ${t.quote(t.text('from'))} in ${t.quote(t.text('to'))} geändert` },
    'picture.changed': {
      name: 'Profilbild geändert',
      sentence: (t) => `Ein neues Profilbild wurde gesetzt (${t.text('sourceType').toUpperCase()}, ${t.number('width') ?? '?'} × ${t.number('height') ?? '?'} Pixel)`,
    },
    'picture.removed': { name: 'Profilbild entfernt', sentence: () => 'Das Profilbild wurde entfernt' },
    'account.deletion': { name: 'Konto gelöscht', sentence: () => 'Das Konto wurde gelöscht' },
    'password.reset': { name: 'Passwort zurückgesetzt', sentence: () => 'Das Passwort wurde zurückgesetzt; alle Sitzungen wurden abgemeldet' },
    'account.contactUpdated': { name: 'Kontaktdaten geändert', sentence: (t) => `Kontaktdaten geändert: ${t.fields()}` },
    'session.revoked': { name: 'Sitzung von einem Administrator abgemeldet', sentence: () => 'Eine Sitzung wurde abgemeldet' },
    'sessions.revokedOthers': {
      name: 'Sitzungen von einem Administrator abgemeldet',
      sentence: (t) => `${plural(t.number('count') ?? 0, 'Eine Sitzung wurde', '# Sitzungen wurden')} abgemeldet; eine blieb bestehen`,
    },
    'account.exported': { name: 'Konto exportiert', sentence: () => 'Die Daten des Kontos wurden exportiert (ohne Passwörter, Tokens oder Schlüssel)' },
    'sshKey.added': { name: 'SSH-Schlüssel hinzugefügt', sentence: (t) => `SSH-Schlüssel ${t.quote(t.text('title'))} hinzugefügt (${t.text('type')}, ${t.text('fingerprint').slice(0, 19)}…)` },
    'sshKey.removed': { name: 'SSH-Schlüssel entfernt', sentence: (t) => `SSH-Schlüssel ${t.quote(t.text('title'))} entfernt (${t.text('type')}, ${t.text('fingerprint').slice(0, 19)}…)` },
    'session.closed': { name: 'Sitzung beendet', sentence: (t) => `Die Sitzung auf ${t.device(t.text('closedDevice'))} wurde beendet` },
    'session.closedOthers': {
      name: 'Andere Sitzungen abgemeldet',
      sentence: (t) => `${plural(t.number('count') ?? 0, 'Eine andere Sitzung wurde', '# andere Sitzungen wurden')} abgemeldet`,
    },
    'session.restored': { name: 'Gemerkte Sitzung wiederhergestellt', sentence: () => 'Beim Start von Keystead wurde eine gemerkte Sitzung wiederhergestellt' },
    'session.policyChanged': {
      name: 'Sitzungsdauer geändert',
      sentence: (t) => `Sitzungsdauer geändert: Abmeldung nach ${t.number('idleTimeoutMinutes') ?? '?'} Minuten ohne Aktivität, spätestens nach ${t.number('absoluteTimeoutMinutes') ?? '?'} Minuten`,
    },
    'log.exported': {
      name: 'Sicherheitsprotokoll exportiert',
      sentence: (t) => `Das Sicherheitsprotokoll wurde als ${t.text('format').toUpperCase()} exportiert (${plural(t.number('count') ?? 0, 'ein Eintrag', '# Einträge')})`,
    },
    'backup.restored': {
      name: 'Aus einer Sicherung wiederhergestellt',
      sentence: (t) => `Der Datenbestand wurde aus einer Sicherung vom ${t.text('backupCreatedAt') ? t.dateTime(t.text('backupCreatedAt')) : 'früher'} wiederhergestellt; alle Sitzungen wurden beendet`,
    },
    'account.roleChanged': { name: 'Rolle geändert', sentence: (t) => onAccount(t, `Die Rolle des Kontos wurde auf ${roleWord(t.text('role'))} geändert`, (n) => `Die Rolle von ${n} wurde auf ${roleWord(t.text('role'))} geändert`) },
    'account.locked': { name: 'Konto gesperrt', sentence: (t) => onAccount(t, 'Das Konto wurde gesperrt; seine Sitzungen wurden beendet', (n) => `Das Konto ${n} wurde gesperrt`) },
    'account.unlocked': { name: 'Konto entsperrt', sentence: (t) => onAccount(t, 'Das Konto wurde entsperrt', (n) => `Das Konto ${n} wurde entsperrt`) },
    'password.changeRequired': { name: 'Passwortänderung verlangt', sentence: (t) => onAccount(t, 'Bei der nächsten Anmeldung ist ein neues Passwort nötig', (n) => `${n} muss bei der nächsten Anmeldung ein neues Passwort wählen`) },
    'password.temporarySet': { name: 'Vorläufiges Passwort gesetzt', sentence: (t) => onAccount(t, 'Ein vorläufiges Passwort wurde gesetzt; es muss bei der nächsten Anmeldung geändert werden', (n) => `Für ${n} wurde ein vorläufiges Passwort gesetzt`) },
    'twofactor.reset': { name: 'Zwei-Faktor-Authentisierung zurückgesetzt', sentence: (t) => onAccount(t, 'Die Zwei-Faktor-Authentisierung wurde zurückgesetzt (ausgeschaltet)', (n) => `Die Zwei-Faktor-Authentisierung von ${n} wurde zurückgesetzt`) },
    'sessions.endedByAdmin': { name: 'Überall abgemeldet', sentence: (t) => onAccount(t, `Überall abgemeldet (${t.number('count') ?? 0} Sitzungen)`, (n) => `${n} wurde überall abgemeldet (${t.number('count') ?? 0} Sitzungen)`) },
    'tokens.revokedByAdmin': { name: 'Alle Token widerrufen', sentence: (t) => onAccount(t, `Alle Zugriffstoken wurden widerrufen (${t.number('count') ?? 0})`, (n) => `Alle Zugriffstoken von ${n} wurden widerrufen (${t.number('count') ?? 0})`) },
    'account.deletedByAdmin': { name: 'Konto von einem Administrator gelöscht', sentence: (t) => onAccount(t, 'Das Konto wurde gelöscht', (n) => `Das Konto ${n} wurde gelöscht`) },
    'account.createdByAdmin': { name: 'Konto von einem Administrator angelegt', sentence: (t) => onAccount(t, `Das Konto wurde als ${roleWord(t.text('role'))} angelegt`, (n) => `Das Konto ${n} wurde als ${roleWord(t.text('role'))} angelegt`) },
    'signin.locked': { name: 'Anmeldung trotz Sperre', sentence: () => 'Das Passwort war richtig, aber das Konto ist gesperrt: Anmeldung abgelehnt' },
  },
  groups: {
    signIns: 'Anmeldungen',
    passwordTwoFactor: 'Passwort und Zwei-Faktor',
    tokensApiKey: 'Tokens und API-Schlüssel',
    sshKeys: 'SSH-Schlüssel',
    sessions: 'Sitzungen',
    profile: 'Profil',
    administration: 'Verwaltung',
  },
  unknownKind: (kind) => `Ein Ereignis einer Art, die diese Version nicht kennt (${kind})`,
  actor: {
    thisWindow: 'in diesem Fenster',
    otherSession: (device) => `aus einer anderen Sitzung (${device})`,
    commandLine: 'über die Kommandozeile',
    localAPI: 'über die lokale API',
    localAPIToken: (title) => `über die lokale API mit dem Token „${title}“`,
    administrator: (face) => `von einem Administrator (${face})`,
    signInScreen: (face) => `bei der Anmeldung über ${face}`,
    keystead: 'von Keystead',
  },
  faces: { app: 'die App', cli: 'die Kommandozeile', api: 'die lokale API' },
  device: { summary: (browser, os, arch) => `${browser} unter ${os} (${arch})`, unknown: 'Unbekannt' },
  words: {
    never: 'nie',
    on: 'an',
    off: 'aus',
    scopes: { 'read-only': 'nur lesen', 'read-write': 'lesen und schreiben' },
    fields: { fullName: 'vollständiger Name', email: 'E-Mail', description: 'Beschreibung', language: 'Sprache', timezone: 'Zeitzone' },
    methods: { totp: 'Authenticator-Code', 'recovery-code': 'Wiederherstellungscode' },
  },
}
