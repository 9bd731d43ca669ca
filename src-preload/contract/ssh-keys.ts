import type { Result } from './errors.ts'

/** One SSH public key of the signed-in account, as the SSH keys screen lists it. */
export interface SshKeySummary {
  id: number
  title: string
  /** The OpenSSH type word, e.g. `ssh-ed25519`. */
  type: string
  bits: number
  /** `SHA256:` + unpadded base64, as `ssh-keygen -lf` prints it. */
  fingerprintSHA256: string
  /** `MD5:aa:bb:...`, as `ssh-keygen -E md5 -lf` prints it. */
  fingerprintMD5: string
  comment: string
  /** authorized_keys options written before the key, or ''. */
  options: string
  createdAt: string
  /** YYYY-MM-DD, the last day the key is valid (account's time zone); null = never expires. */
  expiresOn: string | null
  isExpired: boolean
}

/** What a pasted, dropped or imported key would be, before it is added. */
export interface SshKeyPreview {
  type: string
  bits: number
  fingerprintSHA256: string
  comment: string
}

/** A key read from a .pub file through the open dialog: its text for the form, and what it is. */
export interface SshKeyFileImport {
  publicKey: string
  fileName: string
  preview: SshKeyPreview
}

/** The public facts of a key, for an account's public profile. */
export interface PublicSshKey {
  title: string
  type: string
  bits: number
  fingerprintSHA256: string
}

export interface AddSshKeyInput {
  title: string
  publicKey: string
  /** YYYY-MM-DD or omitted. */
  expiresOn?: string | null
}

/** The native dialog's title, in the account's language (main has no translations). */
export interface DialogInput {
  dialogTitle: string
}

export interface SshKeysApi {
  list(): Promise<Result<SshKeySummary[]>>
  /** Parses a key without adding it (type, bits, fingerprint, comment), or explains the refusal. */
  inspect(input: { publicKey: string }): Promise<Result<SshKeyPreview>>
  add(input: AddSshKeyInput): Promise<Result<SshKeySummary>>
  delete(input: { id: number }): Promise<Result<null>>
  /** Puts the key's authorized_keys line on the clipboard. */
  copyPublicKey(input: { id: number }): Promise<Result<null>>
  /** Opens the native open dialog (in ~/.ssh when it exists) and reads the chosen .pub file; null = cancelled. */
  importFromFile(input: DialogInput): Promise<Result<SshKeyFileImport | null>>
  /** Writes all keys as an authorized_keys file through the save dialog; null = cancelled. */
  exportAuthorizedKeys(input: DialogInput): Promise<Result<{ fileName: string; count: number } | null>>
  /** The public keys of any local account, by username (for its public profile). */
  listForAccount(input: { username: string }): Promise<Result<PublicSshKey[]>>
}

/** Channel names are lower-case per domain (`keystead:sshkeys.*`), like every other domain's. */
export const sshKeysChannels = {
  list: 'keystead:sshkeys.list',
  inspect: 'keystead:sshkeys.inspect',
  add: 'keystead:sshkeys.add',
  delete: 'keystead:sshkeys.delete',
  copyPublicKey: 'keystead:sshkeys.copyPublicKey',
  importFromFile: 'keystead:sshkeys.importFromFile',
  exportAuthorizedKeys: 'keystead:sshkeys.exportAuthorizedKeys',
  listForAccount: 'keystead:sshkeys.listForAccount',
} as const satisfies Record<keyof SshKeysApi, `keystead:${string}`>
