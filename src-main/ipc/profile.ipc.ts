import { readFile, stat } from 'node:fs/promises'
import { z } from 'zod'
import type { ProfileApi } from '../../src-preload/contract/profile.ts'
import { listTimezones, PASSWORD_MAX_LENGTH } from '../services/account-rules.ts'
import { KeysteadError, validationError } from '../services/errors.ts'
import { checkPictureFileSize } from '../services/picture-pipeline.ts'
import { publicHandler, sessionHandler } from './guard.ts'
import type { DomainHandlers } from './guard.ts'

// Shapes only: the rules live in the services (account-rules.ts, picture-pipeline.ts).
const text = (max: number) => z.string().max(max)

export const updateProfileInput = z.strictObject({
  username: text(200),
  fullName: text(1000),
  email: text(1000),
  description: text(5000),
  language: text(20),
  timezone: text(100),
  checkOnly: z.boolean().optional(),
})

/** 9 MiB of file as base64: room for the service to answer "over 5 MB" clearly, not a schema error. */
export const PICTURE_UPLOAD_MAX_BASE64 = Math.ceil((9 * 1024 * 1024) / 3) * 4
export const setPictureInput = z.strictObject({ data: z.string().max(PICTURE_UPLOAD_MAX_BASE64).regex(/^[A-Za-z0-9+/]*={0,2}$/) })

export const deleteAccountInput = z.strictObject({
  password: z.string().max(PASSWORD_MAX_LENGTH * 4),
  confirmUsername: text(200),
  code: text(100).optional(),
})

const PICTURE_FILTERS = [{ name: 'Images', extensions: ['png', 'jpg', 'jpeg', 'webp', 'gif'] }]

export function createProfileHandlers(): DomainHandlers<ProfileApi> {
  return {
    getProfile: sessionHandler(z.null(), (ctx) => ctx.services.profile.getProfile(ctx.session.account_id)),
    updateProfile: sessionHandler(updateProfileInput, (ctx, input) => ctx.services.profile.updateProfile(ctx.session, input)),
    listTimezones: sessionHandler(z.null(), () => [...listTimezones()]),
    choosePicture: sessionHandler(z.null(), async (ctx) => {
      const path = await ctx.platform.dialogs.showOpenDialog(ctx.windowId, { title: 'Choose a profile picture', filters: PICTURE_FILTERS })
      if (path === null) return null
      let bytes: Buffer
      try {
        const info = await stat(path)
        if (!info.isFile()) throw new Error('not a file')
        checkPictureFileSize(info.size) // before reading a huge file into memory
        bytes = await readFile(path)
      } catch (error) {
        if (error instanceof KeysteadError) throw error
        throw validationError('picture', 'picture.unreadable', 'This image could not be read; it may be damaged.')
      }
      return ctx.services.profile.setPicture(ctx.session, bytes)
    }),
    setPicture: sessionHandler(setPictureInput, (ctx, input) => ctx.services.profile.setPicture(ctx.session, Buffer.from(input.data, 'base64'))),
    removePicture: sessionHandler(z.null(), (ctx) => ctx.services.profile.removePicture(ctx.session)),
    getPublicProfile: sessionHandler(z.null(), (ctx) => ctx.services.profile.getPublicProfile(ctx.session.account_id)),
    getStartupLanguage: publicHandler(z.null(), (ctx) => ctx.services.profile.getStartupLanguage()),
    deleteAccount: sessionHandler(deleteAccountInput, async (ctx, input) => {
      await ctx.services.profile.deleteAccount(ctx.session, input)
      ctx.windows.clear(ctx.windowId)
      return null
    }),
  }
}
