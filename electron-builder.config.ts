import type { Configuration } from 'electron-builder'
import afterPack from './scripts/after-pack.ts'

/**
 * Packaging for Linux (AppImage, deb), Windows (NSIS) and macOS (dmg): `npm run dist`.
 * electron-builder downloads Electron and its packaging tools when it runs, so it
 * needs a connected machine; installing it downloads nothing.
 */
const config: Configuration = {
  appId: 'app.keystead.desktop',
  productName: 'Keystead',
  copyright: 'Copyright © Keystead contributors',
  directories: { output: 'dist', buildResources: 'resources/build' },
  // Only the built app (electron-vite's out/) and the runtime dependencies go in.
  files: ['out/**/*', 'package.json', '!**/*.map'],
  asar: true,
  // Native code cannot load from inside an asar archive: every .node/.so/.dylib/.dll of a production
  // dependency stays outside (test/main/packaging.test.ts walks the dependencies and fails on one left in).
  // sharp and its @img/* binaries (libvips) as sharp's installation guide asks for Electron apps;
  // @napi-rs/keyring's platform package (@napi-rs/keyring-<platform>) ships a .node file.
  // age-encryption and the @noble/@scure modules it imports are loaded by the backup worker threads
  // (src-main/services/backup/snapshot-worker.ts) from the real file system, like better-sqlite3.
  asarUnpack: [
    '**/node_modules/better-sqlite3/**',
    '**/node_modules/sharp/**/*',
    '**/node_modules/@img/**/*',
    '**/node_modules/@napi-rs/keyring/**/*',
    '**/node_modules/@napi-rs/keyring-*/**/*',
    '**/node_modules/age-encryption/**/*',
    '**/node_modules/@noble/**/*',
    '**/node_modules/@scure/**/*',
  ],
  // better-sqlite3 13 ships N-API prebuilds for every target (ABI-stable, they load in Electron as they are),
  // so no rebuild against Electron's headers is needed.
  npmRebuild: false,
  afterPack,
  // The `keystead` command in every install runs the app's executable with --cli (src-main/command-line-mode.ts):
  // deb links /usr/bin/keystead to resources/cli/keystead (after-install script); NSIS puts keystead.cmd next
  // to Keystead.exe and the install folder on the user's PATH; macOS and AppImage have the menu action
  // "Install Command Line Tool…" (src-main/platform/electron-menu.ts).
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    executableName: 'keystead',
    maintainer: 'Keystead contributors',
    extraResources: [{ from: 'resources/cli/keystead', to: 'cli/keystead' }],
  },
  deb: {
    depends: ['libnss3', 'libsecret-1-0'],
    afterInstall: 'resources/build/linux/after-install.sh',
    afterRemove: 'resources/build/linux/after-remove.sh',
  },
  win: { target: ['nsis'], extraFiles: [{ from: 'resources/cli/keystead.cmd', to: 'keystead.cmd' }] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, include: 'resources/build/installer.nsh' },
  mac: { target: ['dmg'], category: 'public.app-category.utilities', hardenedRuntime: true },
  dmg: { sign: false },
}

export default config
