import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src-main/db/database.ts'
import type { DB } from '../../src-main/db/database.ts'
import { migrateDatabase } from '../../src-main/db/migrate.ts'
import { createServicesCredentialVerifier } from '../../src-main/http/credentials.ts'
import { startLocalApiServer } from '../../src-main/http/server.ts'
import type { RunningApiServer } from '../../src-main/http/server.ts'
import { silentLogger } from '../../src-main/log.ts'
import { SecurityEventKind } from '../../src-main/services/audit-service.ts'
import { createServices } from '../../src-main/services/index.ts'
import type { Services } from '../../src-main/services/index.ts'
import { TEST_ONLY_SCRYPT_PARAMS } from '../../src-main/services/password-hasher.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { buildEd25519Line } from '../fixtures/ssh-keys.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

let dir: ReturnType<typeof makeTempDir>
let db: DB
let services: Services
let server: RunningApiServer
let aliceId: number
let token: string
let tokenId: number
let apiKey: string

function call(method: string, path: string, secret?: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${server.port}` }
    if (secret) headers.authorization = `Bearer ${secret}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method, path, headers, setHost: false }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    if (body !== undefined) req.write(JSON.stringify(body))
    req.end()
  })
}

const lastEntry = (kind: string) =>
  db.prepare('SELECT detail, session_id FROM security_log WHERE account_id = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(aliceId, kind) as { detail: string; session_id: string | null }
const allLogText = () => (db.prepare('SELECT detail FROM security_log').all() as Array<{ detail: string }>).map((r) => r.detail).join('\n')

beforeAll(async () => {
  dir = makeTempDir('keystead-api-security-')
  db = openDatabase(join(dir.path, 'keystead.db'))
  await migrateDatabase(db)
  services = createServices({ db, secretBox: createKeyFileSecretBox(join(dir.path, 'keystead.key')), scryptParams: TEST_ONLY_SCRYPT_PARAMS })
  aliceId = (await services.accounts.createAccount({ username: 'Kate', password: 'wonderland 1' })).id
  const created = services.tokens.createToken(aliceId, { title: 'deploy', scope: 'read-write', isEnabled: true, expiry: { kind: 'never' } })
  token = created.token
  tokenId = created.summary.id
  apiKey = services.apiKeys.revealApiKey(aliceId)
  server = await startLocalApiServer({ services, verifier: createServicesCredentialVerifier(services), log: silentLogger, port: 0 })
})
afterAll(async () => {
  await server.close()
  db.close()
  dir.remove()
})

describe('the local API in the security log', () => {
  it('every API write records origin "api" and the id of the token that made it (never the token)', async () => {
    const added = await call('POST', '/api/v2/users/me/ssh-keys', token, { title: 'CI', publicKey: buildEd25519Line('ci@build') })
    expect(added.status, added.text).toBe(201)
    expect(JSON.parse(lastEntry(SecurityEventKind.SSHKeyAdded).detail)).toMatchObject({ origin: 'api', credential: 'token', tokenId })
    const id = (JSON.parse(added.text) as { id: number }).id
    expect((await call('DELETE', `/api/v2/users/me/ssh-keys/${id}`, apiKey)).status).toBe(204)
    expect(JSON.parse(lastEntry(SecurityEventKind.SSHKeyRemoved).detail)).toMatchObject({ origin: 'api', credential: 'api-key', tokenId: null })
    expect((await call('PATCH', '/api/v2/users/me', token, { email: 'kate@example.com' })).status).toBe(200)
    expect(JSON.parse(lastEntry(SecurityEventKind.ContactUpdated).detail)).toMatchObject({ origin: 'api', credential: 'token', tokenId, fields: 'email' })
    expect(allLogText()).not.toContain(token)
    expect(allLogText()).not.toContain(apiKey)
  })
})

describe('usernames and free text arriving through the API', () => {
  it('a name with the Kelvin sign (U+212A) is no username: 404, while the real name in any case answers', async () => {
    await call('POST', '/api/v2/users/me/ssh-keys', token, { title: 'Laptop', publicKey: buildEd25519Line('kate@laptop') })
    expect((await call('GET', '/api/v2/users/KATE.keys')).status).toBe(200)
    expect((await call('GET', '/api/v2/users/kate.keys')).status).toBe(200)
    const kelvin = await call('GET', '/api/v2/users/%E2%84%AAate.keys')
    expect(kelvin.status).toBe(404)
    expect(kelvin.text).toContain('account.notFound')
  })

  it('refuses direction overrides and zero-width characters in titles, key comments and names, changing nothing', async () => {
    const keys = () => (db.prepare('SELECT count(*) AS n FROM ssh_keys').get() as { n: number }).n
    const before = keys()
    for (const [body, field] of [
      [{ title: 'evil\u202Etxt.exe', publicKey: buildEd25519Line('x') }, 'title'],
      [{ title: 'fine', publicKey: buildEd25519Line('admin\u2066@host') }, 'publicKey'],
      [{ title: 'zero\u200Bwidth', publicKey: buildEd25519Line('y') }, 'title'],
    ] as const) {
      const answer = await call('POST', '/api/v2/users/me/ssh-keys', token, body)
      expect(answer.status, answer.text).toBe(422)
      expect(JSON.parse(answer.text)).toMatchObject({ reason: 'text.formatCharacter', field })
    }
    expect(keys()).toBe(before)
    const renamed = await call('PATCH', '/api/v2/users/me', token, { fullName: 'Kate\u200D' })
    expect(renamed.status).toBe(422)
    expect(JSON.parse(renamed.text)).toMatchObject({ reason: 'text.formatCharacter' })
  })
})
