import type { Result } from './errors.ts'

/** The signed-in account's editable profile. Dates are ISO 8601 strings (UTC). */
export interface Profile {
  username: string
  fullName: string
  email: string | null
  description: string
  language: string
  timezone: string
  createdAt: string
  /** A `data:image/webp;base64,...` URL of the 256x256 picture, or null for the initials avatar. */
  pictureUrl: string | null
}

/** What the read-only profile page shows. */
export interface PublicProfile {
  username: string
  fullName: string
  description: string
  createdAt: string
  pictureUrl: string | null
}

export interface UpdateProfileInput {
  username: string
  fullName: string
  email: string
  description: string
  language: string
  timezone: string
  /** Check every field (names already taken included) and answer with the refusals, saving nothing. */
  checkOnly?: boolean
}

export interface SetPictureInput {
  /** The file's bytes, base64. */
  data: string
}

export interface DeleteAccountInput {
  password: string
  /** The username typed out, as a last confirmation. */
  confirmUsername: string
  /** A current two-factor code (or a recovery code) when two-factor authentication is on. */
  code?: string
}

export interface ProfileApi {
  getProfile(): Promise<Result<Profile>>
  /** Saves every field at once; a username change needs a recent password confirmation. */
  updateProfile(input: UpdateProfileInput): Promise<Result<Profile>>
  /** Every IANA time zone the main process accepts. */
  listTimezones(): Promise<Result<string[]>>
  /** Opens the native file dialog; null when the user cancelled. */
  choosePicture(): Promise<Result<Profile | null>>
  /** A file dropped on the picture. */
  setPicture(input: SetPictureInput): Promise<Result<Profile>>
  removePicture(): Promise<Result<Profile>>
  getPublicProfile(): Promise<Result<PublicProfile>>
  /** The language to paint the first screen in: the last signed-in account's. No session needed. */
  getStartupLanguage(): Promise<Result<string>>
  deleteAccount(input: DeleteAccountInput): Promise<Result<null>>
}

export const profileChannels = {
  getProfile: 'keystead:profile.getProfile',
  updateProfile: 'keystead:profile.updateProfile',
  listTimezones: 'keystead:profile.listTimezones',
  choosePicture: 'keystead:profile.choosePicture',
  setPicture: 'keystead:profile.setPicture',
  removePicture: 'keystead:profile.removePicture',
  getPublicProfile: 'keystead:profile.getPublicProfile',
  getStartupLanguage: 'keystead:profile.getStartupLanguage',
  deleteAccount: 'keystead:profile.deleteAccount',
} as const satisfies Record<keyof ProfileApi, `keystead:${string}`>
