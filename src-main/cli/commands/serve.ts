import type { Command } from 'commander'
import { createConsoleLogger } from '../../log.ts'
import { DEFAULT_LOCAL_API_PORT, LOCAL_API_HOST } from '../../services/settings-service.ts'
import type { CliRuntime } from '../runtime.ts'
import { wholeNumberOption } from '../runtime.ts'

export function registerServeCommand(program: Command, cli: CliRuntime): void {
  program
    .command('serve')
    .description('Run the local REST API until stopped (Ctrl-C). It listens on a loopback address only.')
    .option('--port <n>', `the port (1024-65535; 0 picks a free one)`, (value) => {
      const port = wholeNumberOption(0, 65535)(value)
      if (port !== 0 && port < 1024) return wholeNumberOption(1024, 65535)(value)
      return port
    }, DEFAULT_LOCAL_API_PORT)
    .option('--host <address>', '127.0.0.1, ::1 or localhost', LOCAL_API_HOST)
    .action(async (options: { port: number; host: string }, command: Command) => {
      // Loaded only here: the API's schemas (zod) cost start-up time every other command should not pay.
      const { createServicesCredentialVerifier } = await import('../../http/credentials.ts')
      const { assertLoopbackHost, startLocalApiServer } = await import('../../http/server.ts')
      assertLoopbackHost(options.host)
      await cli.withServices(command, async (services) => {
        const server = await startLocalApiServer({
          services,
          verifier: createServicesCredentialVerifier(services),
          log: createConsoleLogger((line) => cli.io.writeErr(`${line}\n`)),
          host: options.host,
          port: options.port,
        })
        cli.print(command, {
          json: { address: server.address, port: server.port, openapi: `${server.address}/api/v2/openapi.json` },
          text: `Keystead local API listening on ${server.address} (OpenAPI: ${server.address}/api/v2/openapi.json). Stop with Ctrl-C.`,
        })
        await cli.io.waitForStop()
        await server.close()
      })
    })
}
