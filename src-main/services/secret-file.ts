import { randomBytes } from 'node:crypto'
import { constants } from 'node:fs'
import { lstat, open, rename, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { ErrorCode, KeysteadError } from './errors.ts'

/**
 * The one way to write a secret-bearing file (agreed interface, see BRIEF: issue 13 owns it; this
 * is the minimal version the integrator keeps one of). A temporary file 0600 made with O_EXCL in
 * the target's folder, fsynced, then renamed over the target: a crash never leaves a half file
 * under the final name. A symlink at the final path is never followed, a target owned by another
 * user is refused.
 */
export interface SecretFileOptions {
  /** Replace an existing regular file we own; never a symlink. */
  overwrite?: boolean
}

export interface SecretFileWriter {
  readonly tempPath: string
  write(chunk: Uint8Array): Promise<void>
  commit(): Promise<void>
  abort(): Promise<void>
}

function fileError(target: string, reason: string, message: string): KeysteadError {
  return new KeysteadError(reason === 'secretFile.exists' ? ErrorCode.Conflict : ErrorCode.Validation, message, { field: 'file', reason, params: { file: target } })
}

async function assertTargetUsable(target: string, options: SecretFileOptions): Promise<void> {
  let stats
  try {
    stats = await lstat(target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw fileError(target, 'secretFile.unwritable', `Cannot write ${target}: ${(error as Error).message}`)
  }
  if (stats.isSymbolicLink()) throw fileError(target, 'secretFile.symlink', `${target} is a symbolic link; Keystead does not write secrets through links.`)
  if (!stats.isFile()) throw fileError(target, 'secretFile.notAFile', `${target} exists and is not a regular file.`)
  if (typeof process.getuid === 'function' && stats.uid !== process.getuid()) {
    throw fileError(target, 'secretFile.foreignOwner', `${target} belongs to another user; Keystead does not replace it.`)
  }
  if (!options.overwrite) throw fileError(target, 'secretFile.exists', `${target} already exists; choose another file.`)
}

export async function createSecretFileWriter(target: string, options: SecretFileOptions = {}): Promise<SecretFileWriter> {
  await assertTargetUsable(target, options)
  const tempPath = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  let handle: FileHandle
  try {
    handle = await open(tempPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600)
    await handle.chmod(0o600)
  } catch (error) {
    throw fileError(target, 'secretFile.unwritable', `Cannot write ${target}: ${(error as Error).message}`)
  }
  let finished = false
  const abort = async (): Promise<void> => {
    if (finished) return
    finished = true
    await handle.close().catch(() => {})
    await unlink(tempPath).catch(() => {})
  }
  return {
    tempPath,
    async write(chunk) {
      if (finished) throw new Error('The secret file is already finished')
      try {
        let offset = 0
        while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten
      } catch (error) {
        await abort()
        throw fileError(target, 'secretFile.unwritable', `Cannot write ${target}: ${(error as Error).message}`)
      }
    },
    async commit() {
      if (finished) throw new Error('The secret file is already finished')
      try {
        await handle.sync()
        await handle.close()
        finished = true
        // Checked again just before the rename: a symlink planted meanwhile is refused, not replaced.
        await assertTargetUsable(target, options)
        await rename(tempPath, target)
        await syncFolder(dirname(target))
      } catch (error) {
        finished = true
        await handle.close().catch(() => {})
        await unlink(tempPath).catch(() => {})
        if (error instanceof KeysteadError) throw error
        throw fileError(target, 'secretFile.unwritable', `Cannot write ${target}: ${(error as Error).message}`)
      }
    },
    abort,
  }
}

export async function writeSecretFile(target: string, data: string | Uint8Array, options: SecretFileOptions = {}): Promise<void> {
  const writer = await createSecretFileWriter(target, options)
  await writer.write(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
  await writer.commit()
}

/** fsync of a folder, so a rename inside it survives a power loss (not possible on Windows: skipped). */
export async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(folder, constants.O_RDONLY)
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
