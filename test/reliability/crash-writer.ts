/**
 * The crash-safety child: writes through the services in a loop until it is killed.
 * Before each write it prints its intent, after it (once committed) that it is done: one JSON
 * line each on stdout (fd 1, written synchronously).
 *
 *   node test/reliability/crash-writer.ts <data dir> <run id>
 */
import { writeSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { createServices } from '../../src-main/services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { WRITE_OPS } from './crash-ops.ts'
import type { WriterState } from './crash-ops.ts'

const [dataDir, runId] = process.argv.slice(2)
if (!dataDir || !runId) throw new Error('usage: crash-writer.ts <data dir> <run id>')

const db = openDatabase(join(dataDir, 'keystead.db'))
await migrateDatabase(db)
const services = createServices({ db, secretBox: createKeyFileSecretBox(join(dataDir, 'keystead.key')), scryptParams: TEST_ONLY_SCRYPT_PARAMS })
const report = (value: unknown) => writeSync(1, JSON.stringify(value) + '\n')
report({ ready: true })

const state: WriterState = { runId, seq: 0, services, accounts: [], sessions: [], random: Math.random }
const totalWeight = WRITE_OPS.reduce((sum, op) => sum + op.weight, 0)
for (;;) {
  let roll = state.random() * totalWeight
  const op = WRITE_OPS.find((candidate) => (roll -= candidate.weight) < 0) ?? WRITE_OPS[0]!
  state.seq++
  const planned = op.plan(state)
  if (!planned) continue
  report({ phase: 'intent', ...planned.write })
  const learnt = await planned.perform()
  report({ phase: 'done', ...planned.write, ...learnt })
}
