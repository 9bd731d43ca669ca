import type { SecurityEvent, SecurityEventKind } from '../audit-service.ts'
import { SECURITY_EVENT_GROUPS, SecurityEventGroup } from './event-groups.ts'
import { securityLogTextsDE } from './event-text-de.ts'
import { securityLogTextsEN } from './event-text-en.ts'
import { securityLogTextsTR } from './event-text-tr.ts'
import type { EventTextTools, SecurityLogTexts } from './event-text-types.ts'

/** Every language's security-log text; the test checks each against `SecurityEventKind`. */
export const SECURITY_LOG_TEXTS: Readonly<Record<string, SecurityLogTexts>> = Object.freeze({ en: securityLogTextsEN, tr: securityLogTextsTR, de: securityLogTextsDE })

export function securityLogTextsFor(language: string): SecurityLogTexts {
  return SECURITY_LOG_TEXTS[language] ?? securityLogTextsEN
}

/** The screen an entry links to while what it names still exists. */
export type SecurityEventLink = { screen: 'tokens' | 'ssh-keys' | 'sessions'; id: string }

/** Who did it, as the log knows: the session (with its face and device) or the face named in the detail. */
export interface EventActorFacts {
  /** The session that wrote the entry, if it is still known. */
  session?: { id: string; origin: string; device: string } | undefined
  /** The session of the person reading the log (its entries are "this window"). */
  viewerSessionId?: string | null
  /** The title of the access token the local API acted with (detail.tokenId), while the token exists. */
  tokenTitle?: string | null
}

export interface DescribeOptions {
  language: string
  timeZone: string
  actor: EventActorFacts
  /** Whether what a link would open still exists. */
  exists?(link: SecurityEventLink): boolean
}

export interface DescribedEvent {
  name: string
  group: SecurityEventGroup | null
  /** The kind's sentence followed by who did it, in the account's language and zone. */
  sentence: string
  actor: string
  device: string
  link: SecurityEventLink | null
}

const DEVICE_SUMMARY = /^(.*) on (.*) \(([^()]*)\)$/

/** A stored device summary ("Chrome on Linux (x64)", written in English) in the language. */
export function localizeDevice(summary: string, texts: SecurityLogTexts): string {
  const match = DEVICE_SUMMARY.exec(summary)
  if (!match) return summary
  const word = (value: string | undefined): string => (!value || value === 'Unknown' ? texts.device.unknown : value)
  return texts.device.summary(word(match[1]), word(match[2]), word(match[3]))
}

function isKnownKind(kind: string): kind is SecurityEventKind {
  return Object.hasOwn(SECURITY_EVENT_GROUPS, kind)
}

/** Intl formatters are costly to build and an export describes many entries: one per language and zone. */
const formatters = new Map<string, { date: Intl.DateTimeFormat; list: Intl.ListFormat }>()
function formattersFor(locale: string, timeZone: string): { date: Intl.DateTimeFormat; list: Intl.ListFormat } {
  const key = `${locale}|${timeZone}`
  let found = formatters.get(key)
  if (!found) {
    found = {
      date: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
      list: new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }),
    }
    formatters.set(key, found)
  }
  return found
}

function createTools(event: SecurityEvent, texts: SecurityLogTexts, timeZone: string): EventTextTools {
  const detail = event.detail
  const { date: dateFormat, list: listFormat } = formattersFor(texts.locale, timeZone)
  const text = (key: string): string => {
    const value = detail[key]
    return value === null || value === undefined ? '' : String(value)
  }
  const list = (items: string[]): string => listFormat.format(items)
  return {
    detail,
    text,
    number: (key) => (typeof detail[key] === 'number' ? (detail[key] as number) : null),
    dateTime: (iso) => {
      const time = iso ? Date.parse(iso) : Number.NaN
      return Number.isNaN(time) ? texts.words.never : dateFormat.format(time)
    },
    quote: (value) => `${texts.quotes[0]}${value}${texts.quotes[1]}`,
    list,
    scope: () => texts.words.scopes[text('scope')] ?? text('scope'),
    fields: () => list(text('fields').split(',').filter(Boolean).map((field) => texts.words.fields[field] ?? field)),
    device: (summary) => localizeDevice(summary, texts),
  }
}

/** Faces without a session that act as an administrator (whoever can run the command line on the data folder). */
const ADMIN_FACES = new Set(['cli'])

/** Who did it: the local API (with its token), an administrator (the command line), this window, another session or a face. */
export function describeActor(event: SecurityEvent, texts: SecurityLogTexts, facts: EventActorFacts): string {
  const origin = typeof event.detail.origin === 'string' ? event.detail.origin : ''
  const face = (name: string): string => texts.faces[name as keyof SecurityLogTexts['faces']] ?? name
  if (typeof event.detail.tokenTitle === 'string') return texts.actor.localAPIToken(event.detail.tokenTitle)
  if (origin === 'api' && facts.tokenTitle) return texts.actor.localAPIToken(facts.tokenTitle)
  const isSignIn = event.kind === 'signin' || event.kind === 'signin.failed'
  if (!isSignIn && ADMIN_FACES.has(origin)) return texts.actor.administrator(face(origin))
  if (!isSignIn && origin === 'api') return texts.actor.localAPI
  const session = facts.session
  if (session) {
    if (session.origin === 'cli') return texts.actor.commandLine
    if (session.origin === 'api') return texts.actor.localAPI
    if (facts.viewerSessionId && session.id === facts.viewerSessionId) return texts.actor.thisWindow
    return texts.actor.otherSession(localizeDevice(session.device || event.device, texts))
  }
  if (isSignIn && origin) return texts.actor.signInScreen(face(origin))
  if (event.sessionId && event.device) return texts.actor.otherSession(localizeDevice(event.device, texts))
  return texts.actor.keystead
}

function linkOf(event: SecurityEvent): SecurityEventLink | null {
  const id = (key: string): string | null => (event.detail[key] === undefined || event.detail[key] === null ? null : String(event.detail[key]))
  switch (event.kind) {
    case 'token.created':
    case 'token.enabled':
    case 'token.disabled': {
      const tokenId = id('tokenId')
      return tokenId ? { screen: 'tokens', id: tokenId } : null
    }
    case 'sshKey.added': {
      const keyId = id('keyId')
      return keyId ? { screen: 'ssh-keys', id: keyId } : null
    }
    case 'signin':
    case 'session.restored':
      return event.sessionId ? { screen: 'sessions', id: event.sessionId } : null
    default:
      return null
  }
}

/** The entry as a person reads it: the kind's name, a sentence with who did it, the device in the language, a link. */
export function describeSecurityEvent(event: SecurityEvent, options: DescribeOptions): DescribedEvent {
  const texts = securityLogTextsFor(options.language)
  const actor = describeActor(event, texts, options.actor)
  const device = localizeDevice(event.device, texts)
  if (!isKnownKind(event.kind)) {
    return { name: event.kind, group: null, sentence: `${texts.unknownKind(event.kind)} — ${actor}`, actor, device, link: null }
  }
  const kindText = texts.kinds[event.kind]
  const link = linkOf(event)
  return {
    name: kindText.name,
    group: SECURITY_EVENT_GROUPS[event.kind],
    sentence: `${kindText.sentence(createTools(event, texts, options.timeZone))} — ${actor}`,
    actor,
    device,
    link: link && options.exists?.(link) ? link : null,
  }
}

export interface SecurityEventKindGroup {
  group: SecurityEventGroup
  name: string
  kinds: Array<{ kind: string; name: string }>
}

/** The filter's choices: every kind this version knows, by name, in its group (groups in their order, kinds by name). */
export function listSecurityEventKindGroups(language: string): SecurityEventKindGroup[] {
  const texts = securityLogTextsFor(language)
  const collator = new Intl.Collator(texts.locale)
  return Object.values(SecurityEventGroup).map((group) => ({
    group,
    name: texts.groups[group],
    kinds: (Object.keys(SECURITY_EVENT_GROUPS) as SecurityEventKind[])
      .filter((kind) => SECURITY_EVENT_GROUPS[kind] === group)
      .map((kind) => ({ kind, name: texts.kinds[kind].name }))
      .sort((a, b) => collator.compare(a.name, b.name)),
  }))
}
