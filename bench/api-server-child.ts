/**
 * One HTTP server for the local-API benchmark, in its own process (so its event loop does not
 * share a thread with autocannon). Prints one JSON line `{ "port": n }` once listening, and stops
 * when its standard input closes (the bench ends it).
 *
 *   node bench/api-server-child.ts keystead <data dir>
 *       the real local API as `keystead serve` starts it: the database and services of the data
 *       folder, the real credential verifier, on a free loopback port;
 *   node bench/api-server-child.ts bare <file with the JSON body>
 *       a bare node:http server that answers every request with that JSON and the same headers.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { openDatabase } from '../src-main/db/database.ts'
import { migrateDatabase } from '../src-main/db/migrate.ts'
import { createServicesCredentialVerifier } from '../src-main/http/credentials.ts'
import { baseHeaders } from '../src-main/http/problem.ts'
import { startLocalApiServer } from '../src-main/http/server.ts'
import { createConsoleLogger } from '../src-main/log.ts'
import { createServices } from '../src-main/services/index.ts'
import { createKeyFileSecretBox } from '../src-main/services/secret-box.ts'

const [mode, target] = process.argv.slice(2)
if (!target || (mode !== 'keystead' && mode !== 'bare')) throw new Error('usage: node bench/api-server-child.ts keystead <data dir> | bare <json file>')

let close: () => Promise<void>
if (mode === 'keystead') {
  const db = openDatabase(join(target, 'keystead.db'))
  await migrateDatabase(db)
  const services = createServices({ db, secretBox: createKeyFileSecretBox(join(target, 'keystead.key')) })
  const server = await startLocalApiServer({ services, verifier: createServicesCredentialVerifier(services), log: createConsoleLogger(), port: 0 })
  process.stdout.write(JSON.stringify({ port: server.port }) + '\n')
  close = async () => {
    await server.close()
    db.close()
  }
} else {
  const body = readFileSync(target)
  const headers = baseHeaders('application/json; charset=utf-8')
  const server = createServer((_request, response) => {
    response.writeHead(200, headers)
    response.end(body)
  })
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n')
  close = () =>
    new Promise<void>((done) => {
      server.close(() => done())
      server.closeAllConnections()
    })
}

process.stdin.resume()
process.stdin.on('end', () => void close().then(() => process.exit(0)))
