import { chmodSync, chownSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSecretFileWriter, isTemporaryFileOf, removeStaleTemporaryFiles, temporaryFileName, writeSecretFile, writeSecretFileSync } from '../../src-main/services/secret-file.ts'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

const isRoot = process.getuid?.() === 0
const OTHER_UID = 65534

async function refusal(promise: Promise<unknown>): Promise<KeysteadError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(KeysteadError)
    return error as KeysteadError
  }
  throw new Error('expected a refusal')
}

let dir: ReturnType<typeof makeTempDir>
let umask: number
beforeEach(() => {
  dir = makeTempDir()
  umask = process.umask(0o000)
})
afterEach(() => {
  process.umask(umask)
  chmodSync(dir.path, 0o700)
  dir.remove()
})
const leftovers = (): string[] => readdirSync(dir.path).filter((name) => name.endsWith('.tmp'))

describe('writeSecretFile', () => {

  it('writes a new file 0600 even with umask 000, and leaves no temporary file', async () => {
    const target = join(dir.path, 'codes.txt')
    await writeSecretFile(target, 'secret\n')
    expect(readFileSync(target, 'utf8')).toBe('secret\n')
    expect(statSync(target).mode & 0o777).toBe(0o600)
    expect(leftovers()).toEqual([])
  })

  it('refuses an existing file without overwrite and keeps it', async () => {
    const target = join(dir.path, 'codes.txt')
    writeFileSync(target, 'old')
    const error = await refusal(writeSecretFile(target, 'new'))
    expect(error.reason).toBe('secretFile.exists')
    expect(readFileSync(target, 'utf8')).toBe('old')
    expect(leftovers()).toEqual([])
  })

  it('replaces our own regular file with overwrite, and the result is 0600 (a new inode, not the old 0644 one)', async () => {
    const target = join(dir.path, 'codes.txt')
    writeFileSync(target, 'old', { mode: 0o644 })
    const before = statSync(target).ino
    await writeSecretFile(target, 'new', { overwrite: true })
    expect(readFileSync(target, 'utf8')).toBe('new')
    expect(statSync(target).mode & 0o777).toBe(0o600)
    expect(statSync(target).ino).not.toBe(before)
  })

  it('never follows a symlink at the target, with or without overwrite', async () => {
    const victim = join(dir.path, 'victim')
    writeFileSync(victim, 'precious')
    const target = join(dir.path, 'codes.txt')
    symlinkSync(victim, target)
    for (const overwrite of [false, true]) {
      const error = await refusal(writeSecretFile(target, 'attacker-chosen', { overwrite }))
      expect(error.reason).toBe('secretFile.symlink')
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(lstatSync(target).isSymbolicLink()).toBe(true)
    expect(readlinkSync(target)).toBe(victim)
    // A dangling link (the file it names does not exist yet) is refused too: writing through it would create the file.
    const dangling = join(dir.path, 'dangling')
    symlinkSync(join(dir.path, 'created-through-link'), dangling)
    expect((await refusal(writeSecretFile(dangling, 'x', { overwrite: true }))).reason).toBe('secretFile.symlink')
    expect(readdirSync(dir.path)).not.toContain('created-through-link')
    expect(leftovers()).toEqual([])
  })

  it.skipIf(!isRoot)("refuses to replace another user's file (uid 65534), even with overwrite", async () => {
    const target = join(dir.path, 'theirs.txt')
    writeFileSync(target, 'theirs')
    chownSync(target, OTHER_UID, OTHER_UID)
    const error = await refusal(writeSecretFile(target, 'mine', { overwrite: true }))
    expect(error.reason).toBe('secretFile.notOwned')
    expect(readFileSync(target, 'utf8')).toBe('theirs')
    expect(statSync(target).uid).toBe(OTHER_UID)
  })

  it('refuses a folder at the target', async () => {
    const target = join(dir.path, 'folder')
    mkdirSync(target)
    expect((await refusal(writeSecretFile(target, 'x', { overwrite: true }))).reason).toBe('secretFile.notRegularFile')
  })

  it('reports a folder that does not exist as unwritable', async () => {
    const error = await refusal(writeSecretFile(join(dir.path, 'missing', 'codes.txt'), 'x'))
    expect(error.reason).toBe('secretFile.unwritable')
  })

  it('a writer that is aborted leaves neither the target nor its temporary file', async () => {
    const target = join(dir.path, 'export.json')
    const writer = await createSecretFileWriter(target)
    expect(statSync(writer.tempPath).mode & 0o777).toBe(0o600)
    await writer.write(Buffer.from('{"partial":'))
    expect(readdirSync(dir.path)).not.toContain('export.json')
    await writer.abort()
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('a writer commits its chunks in order', async () => {
    const target = join(dir.path, 'export.json')
    const writer = await createSecretFileWriter(target)
    await writer.write(Buffer.from('{"a":'))
    await writer.write(Buffer.from('1}'))
    await writer.commit()
    expect(readFileSync(target, 'utf8')).toBe('{"a":1}')
    expect(readdirSync(dir.path)).toEqual(['export.json'])
  })

  it('a file put at the target while the writer was open is not replaced (no overwrite)', async () => {
    const target = join(dir.path, 'codes.txt')
    const writer = await createSecretFileWriter(target)
    await writer.write(Buffer.from('mine'))
    writeFileSync(target, 'raced')
    expect((await refusal(writer.commit())).reason).toBe('secretFile.exists')
    expect(readFileSync(target, 'utf8')).toBe('raced')
    expect(leftovers()).toEqual([])
  })

  it('a symlink put at the target while the writer was open is not followed nor replaced', async () => {
    const victim = join(dir.path, 'victim')
    writeFileSync(victim, 'precious')
    const target = join(dir.path, 'codes.txt')
    const writer = await createSecretFileWriter(target, { overwrite: true })
    await writer.write(Buffer.from('mine'))
    symlinkSync(victim, target)
    expect((await refusal(writer.commit())).reason).toBe('secretFile.symlink')
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(leftovers()).toEqual([])
  })

  it('a target under a plain file (ENOTDIR) is reported as unwritable', async () => {
    const notAFolder = join(dir.path, 'plain')
    writeFileSync(notAFolder, '')
    expect((await refusal(writeSecretFile(join(notAFolder, 'codes.txt'), 'x'))).reason).toBe('secretFile.unwritable')
  })
})

describe('writeSecretFileSync (the same rules for callers that cannot wait) and the mode option', () => {
  function syncRefusal(run: () => void): KeysteadError {
    try {
      run()
    } catch (error) {
      expect(error).toBeInstanceOf(KeysteadError)
      return error as KeysteadError
    }
    throw new Error('expected a refusal')
  }

  it('writes a new file 0600 with umask 000, refuses to replace it without overwrite, replaces it (a new inode) with overwrite', () => {
    const target = join(dir.path, 'keystead.key')
    writeSecretFileSync(target, Buffer.from([1, 2, 3]))
    expect([...readFileSync(target)]).toEqual([1, 2, 3])
    expect(statSync(target).mode & 0o777).toBe(0o600)
    const before = statSync(target).ino
    expect(syncRefusal(() => writeSecretFileSync(target, 'other')).reason).toBe('secretFile.exists')
    expect([...readFileSync(target)]).toEqual([1, 2, 3])
    writeSecretFileSync(target, 'new', { overwrite: true })
    expect(readFileSync(target, 'utf8')).toBe('new')
    expect(statSync(target).ino).not.toBe(before)
    expect(leftovers()).toEqual([])
  })

  it('never follows a symlink at the target (dangling or not), with or without overwrite', () => {
    const victim = join(dir.path, 'victim')
    writeFileSync(victim, 'precious')
    const target = join(dir.path, 'settings.json')
    symlinkSync(victim, target)
    const dangling = join(dir.path, 'dangling')
    symlinkSync(join(dir.path, 'created-through-link'), dangling)
    for (const overwrite of [false, true]) {
      expect(syncRefusal(() => writeSecretFileSync(target, 'attacker-chosen', { overwrite })).reason).toBe('secretFile.symlink')
      expect(syncRefusal(() => writeSecretFileSync(dangling, 'x', { overwrite })).reason).toBe('secretFile.symlink')
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious')
    expect(readlinkSync(target)).toBe(victim)
    expect(readdirSync(dir.path)).not.toContain('created-through-link')
    expect(leftovers()).toEqual([])
  })

  it.skipIf(!isRoot)("refuses another user's file (uid 65534) and a folder, even with overwrite", () => {
    const target = join(dir.path, 'theirs.txt')
    writeFileSync(target, 'theirs')
    chownSync(target, OTHER_UID, OTHER_UID)
    expect(syncRefusal(() => writeSecretFileSync(target, 'mine', { overwrite: true })).reason).toBe('secretFile.notOwned')
    expect(readFileSync(target, 'utf8')).toBe('theirs')
    mkdirSync(join(dir.path, 'folder'))
    expect(syncRefusal(() => writeSecretFileSync(join(dir.path, 'folder'), 'x', { overwrite: true })).reason).toBe('secretFile.notRegularFile')
  })

  it('reports a missing folder as unwritable and leaves nothing behind', () => {
    expect(syncRefusal(() => writeSecretFileSync(join(dir.path, 'missing', 'k'), 'x')).reason).toBe('secretFile.unwritable')
    expect(readdirSync(dir.path)).toEqual([])
  })

  it('gives exactly the mode asked for (0644 for a public file) whatever the umask, and refuses modes others could write or run', async () => {
    process.umask(0o077)
    const publicFile = join(dir.path, 'authorized_keys')
    await writeSecretFile(publicFile, 'ssh-ed25519 AAAA\n', { mode: 0o644 })
    expect(statSync(publicFile).mode & 0o777).toBe(0o644)
    writeSecretFileSync(join(dir.path, 'sync'), 'x', { mode: 0o644 })
    expect(statSync(join(dir.path, 'sync')).mode & 0o777).toBe(0o644)
    for (const mode of [0o666, 0o755, 0o600 | 0o002, 0o400, 0o1600]) {
      await expect(writeSecretFile(join(dir.path, `bad-${mode}`), 'x', { mode })).rejects.toThrow(/never writable or executable by others/)
      expect(() => writeSecretFileSync(join(dir.path, `bad-${mode}`), 'x', { mode })).toThrow(/never writable or executable by others/)
    }
    expect(readdirSync(dir.path).sort()).toEqual(['authorized_keys', 'sync'])
  })
})

describe('removeStaleTemporaryFiles', () => {
  let dir: ReturnType<typeof makeTempDir>
  beforeEach(() => (dir = makeTempDir()))
  afterEach(() => dir.remove())
  const startedAtMs = Date.UTC(2026, 11, 3, 12, 0, 0)
  const aged = (path: string, atMs: number, link = false): void => (link ? lutimesSync : utimesSync)(path, new Date(atMs), new Date(atMs))

  it('removes only the regular temporary files of the same target that are ours and older than the process', async () => {
    const target = join(dir.path, 'backup.age')
    const file = (name: string, atMs: number): string => {
      const path = join(dir.path, name)
      writeFileSync(path, name)
      aged(path, atMs)
      return path
    }
    expect(isTemporaryFileOf(basename(temporaryFileName(target)), 'backup.age')).toBe(true) // the one definition of the name
    file('.backup.age.0123456789ab.tmp', startedAtMs - 60_000)
    file('.backup.age.00000000ffff.tmp', startedAtMs - 1)
    // Kept: younger than the process (a write still running), another target's, not our pattern, a link, a folder.
    const younger = file('.backup.age.aaaaaaaaaaaa.tmp', startedAtMs + 1)
    const otherTarget = file('.other.age.0123456789ab.tmp', startedAtMs - 60_000)
    const notOurs = file('.backup.age.tmp', startedAtMs - 60_000)
    const outside = join(dir.path, 'outside.txt')
    writeFileSync(outside, 'keep me')
    const link = join(dir.path, '.backup.age.bbbbbbbbbbbb.tmp')
    symlinkSync(outside, link)
    aged(link, startedAtMs - 60_000, true)
    const folder = join(dir.path, '.backup.age.cccccccccccc.tmp')
    mkdirSync(folder)
    aged(folder, startedAtMs - 60_000)
    const foreign = file('.backup.age.dddddddddddd.tmp', startedAtMs - 60_000)
    if (isRoot) chownSync(foreign, OTHER_UID, OTHER_UID)

    expect(await removeStaleTemporaryFiles(target, { startedAtMs })).toBe(isRoot ? 2 : 3)
    const left = readdirSync(dir.path).sort()
    expect(left).toEqual(
      [younger, otherTarget, notOurs, outside, link, folder, ...(isRoot ? [foreign] : [])].map((path) => basename(path)).sort(),
    )
    expect(readFileSync(outside, 'utf8')).toBe('keep me')
    // With a name pattern (scheduled backups: a new dated name each time), any matching target's.
    expect(await removeStaleTemporaryFiles(target, { startedAtMs, targetName: /^other\.age$/ })).toBe(1)
    expect(readdirSync(dir.path)).not.toContain(basename(otherTarget))
  })

  it('a folder that cannot be read removes nothing and does not throw (the writer reports it)', async () => {
    expect(await removeStaleTemporaryFiles(join(dir.path, 'missing', 'backup.age'), { startedAtMs })).toBe(0)
  })
})
