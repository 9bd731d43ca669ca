import { join } from 'node:path'
import { startAppCore } from '../../src-main/core.ts'
import type { AppCore } from '../../src-main/core.ts'
import { silentLogger } from '../../src-main/log.ts'
import { createKeyFileSecretBox } from '../../src-main/services/secret-box.ts'
import { createFakePlatform } from '../../test/fixtures/fake-platform.ts'

/** The app's core as the Electron shell builds it (default scrypt cost), with a fake platform. */
export function startBenchCore(dataDir: string): Promise<AppCore> {
  return startAppCore({
    dataDir,
    platform: createFakePlatform(),
    createSecretBox: (dir) => createKeyFileSecretBox(join(dir, 'keystead.key')),
    isTrustedSender: () => true,
    notify: () => {},
    log: silentLogger,
  })
}
