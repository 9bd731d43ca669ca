import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * One way to write secret-bearing files: services/secret-file.ts. Every other place in src-main that
 * creates or writes a file with plain fs is listed here with the reason it is not a secret-bearing
 * file written by Keystead itself. A new write elsewhere fails this test: route it through
 * writeSecretFile / writeSecretFileSync / createSecretFileWriter, or add it here with its reason.
 */
const ALLOWED: Readonly<Record<string, { count: number; reason: string }>> = {
  'src-main/platform/command-line-tool.ts': { count: 1, reason: 'the `keystead` launcher script on PATH: no secret, must be executable (0755); wx + rename, a symlink is replaced, never followed' },
  'src-main/cli/commands/ssh-install.ts': { count: 1, reason: "sshd's AuthorizedKeysCommand wrapper script: no secret, root-owned and executable; its own checks refuse unsafe folders" },
  'src-main/db/database.ts': { count: 1, reason: 'pre-creates keystead.db, -wal, -shm 0600 with O_EXCL|O_NOFOLLOW before SQLite opens them (the data folder rules); SQLite writes the content' },
  'src-main/db/migrate.ts': { count: 1, reason: 'SQLite backup into keystead.db.before-migration, made 0600 (O_NOFOLLOW) by ensureOwnerOnlyFile just before' },
  'src-main/services/backup/snapshot-worker.ts': {
    count: 2,
    reason: "the backup worker's SQLite backup into the snapshot placeholder (made by writeSecretFile) and the decrypted database of a restore (a new 0600 file, O_EXCL|O_NOFOLLOW, fsynced), both in the backup's private 0700 work folder",
  },
}

/** A call that creates or writes a file: fs write helpers, write streams, open with a write flag or O_CREAT, SQLite's backup. */
const WRITE_PATTERN = /writeFile(Sync)?\(|createWriteStream\(|appendFile(Sync)?\(|\bopen(Sync)?\([^)]*['"][wa]|O_CREAT|copyFile(Sync)?\(|\.backup\(/

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs|cjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
}

describe('secret-bearing files have one writer', () => {
  it('finds no file write in src-main outside secret-file.ts except the listed, reasoned ones', () => {
    const root = join(import.meta.dirname, '../..')
    const found: Record<string, string[]> = {}
    for (const file of sourceFiles(join(root, 'src-main'))) {
      const name = relative(root, file).split('\\').join('/')
      if (name === 'src-main/services/secret-file.ts') continue
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\*)/.test(line) && WRITE_PATTERN.test(line))
      if (lines.length > 0) found[name] = lines.map((line) => line.trim())
    }
    const counts = Object.fromEntries(Object.entries(found).map(([name, lines]) => [name, lines.length]))
    expect(counts).toEqual(Object.fromEntries(Object.entries(ALLOWED).map(([name, entry]) => [name, entry.count])))
  })

  it('the pattern sees the writes it is meant to see', () => {
    for (const line of [
      "writeFileSync(path, key, { mode: 0o600, flag: 'wx' })",
      "await writeFile(path, text, { mode: 0o644 })",
      "const fd = openSync(temp, 'wx', 0o600)",
      "const out = await open(databasePath, 'wx', 0o600)",
      'fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o600)',
      'createWriteStream(target)',
      'await db.backup(target)',
    ]) {
      expect(WRITE_PATTERN.test(line)).toBe(true)
    }
    for (const line of ["fd = openSync(path, 'r')", "handle = await open(file, 'r')", 'readFileSync(path)']) expect(WRITE_PATTERN.test(line)).toBe(false)
  })
})
