import type { SecurityEventDetail, SecurityEventKind } from '../audit-service.ts'
import type { SecurityEventGroup } from './event-groups.ts'

/** What a kind's sentence may read: the entry's details and formatters in the account's language and zone. */
export interface EventTextTools {
  readonly detail: SecurityEventDetail
  /** A detail as text ('' when absent). */
  text(key: string): string
  /** A detail as a number (null when absent or not a number). */
  number(key: string): number | null
  /** An ISO 8601 instant in the account's zone and language; `never` text when null. */
  dateTime(iso: string | null): string
  /** A name in the language's quotation marks. */
  quote(value: string): string
  /** A list in the language's style ("a, b and c"). */
  list(items: string[]): string
  /** detail.scope in the language ("read-only"). */
  scope(): string
  /** detail.fields (comma-separated names) in the language, as a list. */
  fields(): string
  /** A stored device summary ("Chrome on Linux (x64)") in the language. */
  device(summary: string): string
}

export interface KindText {
  /** The kind's name in the filter and the table. */
  name: string
  /** One sentence from the entry's details (without the actor, which is added after it). */
  sentence(tools: EventTextTools): string
}

/** Everything one language says about the security log. Adding a kind = one entry in `kinds` per language. */
export interface SecurityLogTexts {
  locale: string
  kinds: Record<SecurityEventKind, KindText>
  groups: Record<SecurityEventGroup, string>
  /** A kind this version does not know (written by a newer Keystead). */
  unknownKind(kind: string): string
  actor: {
    thisWindow: string
    otherSession(device: string): string
    commandLine: string
    localAPI: string
    localAPIToken(title: string): string
    administrator(face: string): string
    /** No session and no origin recorded (e.g. a failed sign-in from the sign-in screen). */
    signInScreen(face: string): string
    keystead: string
  }
  /** The faces, as the actor text names them. */
  faces: { app: string; cli: string; api: string }
  device: { summary(browser: string, os: string, arch: string): string; unknown: string }
  words: {
    never: string
    on: string
    off: string
    scopes: Record<string, string>
    fields: Record<string, string>
    methods: Record<string, string>
  }
  quotes: [string, string]
}
