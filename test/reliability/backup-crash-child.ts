/**
 * The backup crash child: makes a backup or restores one, printing `{"ready":true}` first and
 * `{"done":true}` at the end; the test kills it with SIGKILL somewhere in between.
 *
 *   node test/reliability/backup-crash-child.ts backup  <data dir> <backup file> <passphrase>
 *   node test/reliability/backup-crash-child.ts restore <data dir> <backup file> <passphrase>
 */
import { writeSync } from 'node:fs'
import { join } from 'node:path'
import { createBackup, restoreBackup } from '../../src-main/services/backup/backup-service.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'

const [mode, dataDir, file, passphrase] = process.argv.slice(2)
if (!mode || !dataDir || !file || !passphrase) throw new Error('usage: backup-crash-child.ts backup|restore <data dir> <file> <passphrase>')
const report = (value: unknown): void => void writeSync(1, `${JSON.stringify(value)}\n`)
const secretBox = (): ReturnType<typeof createKeyFileSecretBox> => createKeyFileSecretBox(join(dataDir, 'keystead.key'))

report({ ready: true })
if (mode === 'backup') {
  await createBackup({
    databasePath: join(dataDir, 'keystead.db'),
    workDir: dataDir,
    secretBox: secretBox(),
    appVersion: 'test',
    target: file,
    protection: { kind: 'passphrase', passphrase, scryptLogN: 10 },
    onProgress: (progress) => report(progress),
  })
} else {
  await restoreBackup({ file, unlock: { kind: 'passphrase', passphrase }, dataDir, openSecretBox: secretBox, origin: 'cli', onProgress: (progress) => report(progress) })
}
report({ done: true })
