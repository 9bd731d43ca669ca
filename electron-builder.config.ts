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
  asarUnpack: [
    '**/node_modules/better-sqlite3/**',
    '**/node_modules/sharp/**/*',
    '**/node_modules/@img/**/*',
    '**/node_modules/@napi-rs/keyring/**/*',
    '**/node_modules/@napi-rs/keyring-*/**/*',
  ],
  // better-sqlite3 13 ships N-API prebuilds for every target (ABI-stable, they load in Electron as they are),
  // so no rebuild against Electron's headers is needed.
  npmRebuild: false,
  afterPack,
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Utility',
    executableName: 'keystead',
    maintainer: 'Keystead contributors',
  },
  deb: { depends: ['libnss3', 'libsecret-1-0'] },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  mac: { target: ['dmg'], category: 'public.app-category.utilities', hardenedRuntime: true },
  dmg: { sign: false },
}

export default config
