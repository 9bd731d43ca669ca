import { homedir } from 'node:os'
import { basename } from 'node:path'
import { z } from 'zod'
import type { SshKeysApi } from '../../src-preload/contract/ssh-keys.ts'
import { writeSecretFile } from '../services/secret-file.ts'
import { SensitiveAction } from '../services/sensitive-actions.ts'
import { sensitiveHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

// Shapes only: the key rules live in services/ssh-key-service.ts and services/ssh-public-key.ts.
const PUBLIC_KEY_MAX_LENGTH = 20_000
const publicKey = z.string().max(PUBLIC_KEY_MAX_LENGTH)
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)

export const addSshKeyInput = z.strictObject({
  title: z.string().max(1000),
  publicKey,
  expiresOn: z.string().max(40).nullable().optional(),
})
export const inspectSshKeyInput = z.strictObject({ publicKey })
export const sshKeyIdInput = z.strictObject({ id })
export const dialogInput = z.strictObject({ dialogTitle: z.string().min(1).max(200) })
export const listForAccountInput = z.strictObject({ username: z.string().max(200) })

const PUB_FILTERS = [
  { name: 'SSH public keys', extensions: ['pub'] },
  { name: 'All files', extensions: ['*'] },
]

export function createSshKeysHandlers(): DomainHandlers<SshKeysApi> {
  return {
    list: sessionHandler(z.null(), (ctx) => ctx.services.sshKeys.listKeys(ctx.session.account_id)),
    inspect: sessionHandler(inspectSshKeyInput, (ctx, input) => ctx.services.sshKeys.inspectKey(ctx.session.account_id, input.publicKey)),
    // Adding a key lets its holder in wherever the list is used: confirm the password first.
    add: sensitiveHandler(SensitiveAction.SshKeyAdd, addSshKeyInput, (ctx, input) => {
      return ctx.services.sshKeys.addKey(ctx.session.account_id, input, { sessionId: ctx.session.id })
    }),
    delete: sensitiveHandler(SensitiveAction.SshKeyDelete, sshKeyIdInput, (ctx, input) => {
      ctx.services.sshKeys.deleteKey(ctx.session.account_id, input.id, { sessionId: ctx.session.id })
      return null
    }),
    copyPublicKey: sessionHandler(sshKeyIdInput, (ctx, input) => {
      ctx.platform.clipboard.writeText(ctx.services.sshKeys.getAuthorizedKeyLine(ctx.session.account_id, input.id))
      return null
    }),
    importFromFile: sessionHandler(dialogInput, async (ctx, input) => {
      const path = await ctx.platform.dialogs.showOpenDialog(ctx.windowId, {
        title: input.dialogTitle,
        defaultDirectory: ctx.services.sshKeys.findKeyDirectory(homedir()),
        filters: PUB_FILTERS,
      })
      if (path === null) return null
      return ctx.services.sshKeys.readKeyFile(path)
    }),
    exportAuthorizedKeys: sessionHandler(dialogInput, async (ctx, input) => {
      const text = ctx.services.sshKeys.exportAuthorizedKeys(ctx.session.account_id)
      const path = await ctx.platform.dialogs.showSaveDialog(ctx.windowId, {
        title: input.dialogTitle,
        defaultFileName: 'authorized_keys',
      })
      if (path === null) return null
      // Through the one file writer: never through a symlink, never over another user's file, whole or not
      // at all. Public keys only: readable by others is fine (sshd wants no group/world write). The save
      // dialog asked before replacing a file.
      await writeSecretFile(path, text, { overwrite: true, mode: 0o644 })
      return { fileName: basename(path), count: text.split('\n').filter((line) => line.length > 0).length }
    }),
    listForAccount: sessionHandler(listForAccountInput, (ctx, input) => ctx.services.sshKeys.listPublicKeysByUsername(input.username)),
  }
}
