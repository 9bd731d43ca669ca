import type { Result } from './errors.ts'

/** Where the key that seals TOTP secrets lives. 'key-file': no OS keyring was found. */
export type SecretStorageKind = 'os-keyring' | 'key-file'

export interface SecurityOverview {
  twoFactor: {
    enabled: boolean
    /** ISO date, when 2FA was turned on. */
    enabledAt: string | null
    recoveryCodesLeft: number
  }
  secretStorage: SecretStorageKind
}

export interface ChangePasswordInput {
  currentPassword: string
  newPassword: string
  newPasswordRepeat: string
}

export interface ChangePasswordOutcome {
  /** How many other sessions of the account were signed out. */
  signedOutSessions: number
}

/** Shown once while setting up 2FA. */
export interface TwoFactorSetupInfo {
  /** The base32 secret in groups of four, for typing it into the app by hand. */
  secretGroups: string
  uri: string
  /** The URI as a PNG QR code (data: URL). */
  qrCodeDataUrl: string
}

export interface ConfirmTwoFactorInput {
  code: string
}

/** Fresh recovery codes, shown once. */
export interface RecoveryCodesBatch {
  codes: string[]
  createdAt: string
}

export interface DisableTwoFactorInput {
  password: string
  /** A 6-digit code from the app or a recovery code. */
  code: string
}

export type SaveOutcome = { saved: true; fileName: string } | { saved: false }

export interface SecurityApi {
  getOverview(): Promise<Result<SecurityOverview>>
  /** Signs out every other session of the account. */
  changePassword(input: ChangePasswordInput): Promise<Result<ChangePasswordOutcome>>
  /** A new secret each time; 2FA is not on until confirmTwoFactorSetup accepted a code. */
  beginTwoFactorSetup(): Promise<Result<TwoFactorSetupInfo>>
  /** Copies the pending setup's key to the clipboard (for typing it into the app on this computer). */
  copyTwoFactorSecret(): Promise<Result<null>>
  confirmTwoFactorSetup(input: ConfirmTwoFactorInput): Promise<Result<RecoveryCodesBatch>>
  /** Needs a recent password confirmation; old codes stop working at once. */
  regenerateRecoveryCodes(): Promise<Result<RecoveryCodesBatch>>
  /** Copy / download the batch just shown (main keeps it until finishRecoveryCodes or 15 minutes). */
  copyRecoveryCodes(): Promise<Result<null>>
  downloadRecoveryCodes(): Promise<Result<SaveOutcome>>
  finishRecoveryCodes(): Promise<Result<null>>
  disableTwoFactor(input: DisableTwoFactorInput): Promise<Result<null>>
}

export const securityChannels = {
  getOverview: 'keystead:security.getOverview',
  changePassword: 'keystead:security.changePassword',
  beginTwoFactorSetup: 'keystead:security.beginTwoFactorSetup',
  copyTwoFactorSecret: 'keystead:security.copyTwoFactorSecret',
  confirmTwoFactorSetup: 'keystead:security.confirmTwoFactorSetup',
  regenerateRecoveryCodes: 'keystead:security.regenerateRecoveryCodes',
  copyRecoveryCodes: 'keystead:security.copyRecoveryCodes',
  downloadRecoveryCodes: 'keystead:security.downloadRecoveryCodes',
  finishRecoveryCodes: 'keystead:security.finishRecoveryCodes',
  disableTwoFactor: 'keystead:security.disableTwoFactor',
} as const satisfies Record<keyof SecurityApi, `keystead:${string}`>
