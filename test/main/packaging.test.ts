import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, matchesGlob, relative, sep } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import afterPack, { electronBinaryPath, keysteadFuses } from '../../scripts/after-pack.ts'
import { readFuseWire, STOCK_FUSE_WIRE, writeFakeElectronBinary } from '../fixtures/fake-electron-binary.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

const ROOT = join(import.meta.dirname, '../..')
const require = createRequire(join(ROOT, 'package.json'))

interface LoadedConfig {
  appId: string
  files: Array<{ filter: string[] }>
  asar: boolean
  asarUnpack: string[]
  npmRebuild: boolean
  afterPack: unknown
  linux: { target: string[]; executableName: string }
  win: { target: string[] }
  mac: { target: string[] }
  directories: { output: string }
}

/** Loads the configuration the way `electron-builder --config electron-builder.config.ts` does, and validates it. */
async function loadBuilderConfig(): Promise<LoadedConfig> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js')
  const { DebugLogger } = require('builder-util')
  const config = await getConfig(ROOT, 'electron-builder.config.ts', null)
  await validateConfiguration(config, new DebugLogger(false))
  return config
}

describe('electron-builder configuration', () => {
  it('loads through electron-builder, passes its schema and names every target', async () => {
    const config = await loadBuilderConfig()
    expect(config.appId).toBe('app.keystead.desktop')
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.directories.output).toBe('dist')
    // The configuration's own hook (jiti loads its own copy of the module) flips a fake binary.
    expect(typeof config.afterPack).toBe('function')
    const dir = makeTempDir('keystead-pack-')
    try {
      const { wireOffset } = writeFakeElectronBinary(join(dir.path, 'keystead'))
      await (config.afterPack as typeof afterPack)({ appOutDir: dir.path, electronPlatformName: 'linux', packager: { appInfo: { productFilename: 'Keystead' }, executableName: 'keystead' } })
      expect(readFuseWire(join(dir.path, 'keystead'), wireOffset)).toBe('010001001')
    } finally {
      dir.remove()
    }
  }, 30_000)

  it('packs the built app into an asar and keeps better-sqlite3 (a native module) outside it', async () => {
    const config = await loadBuilderConfig()
    expect(config.asar).toBe(true)
    expect(config.files.flatMap((set) => set.filter)).toContain('out/**/*')
    const unpacked = (file: string) => config.asarUnpack.some((pattern) => matchesGlob(file, pattern))
    for (const prebuild of ['linux-x64.node', 'win32-x64.node', 'darwin-arm64.node']) {
      expect(unpacked(`node_modules/better-sqlite3/prebuilds/${prebuild}`)).toBe(true)
    }
    expect(unpacked('node_modules/better-sqlite3/lib/database.js')).toBe(true)
    expect(unpacked('out/main/index.js')).toBe(false)
    // N-API prebuilds exist for each target, so no rebuild against Electron's headers (a download) is needed.
    expect(config.npmRebuild).toBe(false)
    for (const target of ['linux-x64', 'win32-x64', 'darwin-x64', 'darwin-arm64']) {
      expect(existsSync(join(ROOT, `node_modules/better-sqlite3/prebuilds/${target}.node`))).toBe(true)
    }
  }, 30_000)

  it('unpacks every native file (.node, .so, .dylib, .dll) of every installed production dependency', async () => {
    const config = await loadBuilderConfig()
    const unpacked = (file: string) => config.asarUnpack.some((pattern) => matchesGlob(file, pattern))
    // The production dependency tree as npm sees it (dev dependencies left out), one folder a line.
    const folders = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'silent' } })
      .split('\n')
      .filter((line) => line.startsWith(join(ROOT, 'node_modules') + sep))
    expect(folders.length).toBeGreaterThan(10)
    const natives = folders.flatMap((folder) => findNativeFiles(folder)).map((file) => relative(ROOT, file).split(sep).join('/'))
    // What this machine has installed: better-sqlite3's prebuilds, sharp's and libvips' Linux binaries, keyring's.
    expect(natives).toContain('node_modules/better-sqlite3/prebuilds/linux-x64.node')
    expect(natives.some((file) => /^node_modules\/@img\/sharp-libvips-linux-x64\/lib\/libvips-cpp\.so/.test(file))).toBe(true)
    expect(natives.some((file) => /^node_modules\/@img\/sharp-linux-x64\/lib\/.*\.node$/.test(file))).toBe(true)
    expect(natives.some((file) => /^node_modules\/@napi-rs\/keyring-linux-[^/]+\/.*\.node$/.test(file))).toBe(true)
    expect(natives.filter((file) => !unpacked(file))).toEqual([])
    // The check can fail: the old setting (better-sqlite3 only) leaves sharp, libvips and keyring in the archive.
    expect(natives.filter((file) => !matchesGlob(file, '**/node_modules/better-sqlite3/**')).length).toBeGreaterThanOrEqual(3)
  }, 60_000)

  it('unpacks the platform packages of other systems too (in the lockfile, not installed here)', async () => {
    const config = await loadBuilderConfig()
    const unpacked = (file: string) => config.asarUnpack.some((pattern) => matchesGlob(file, pattern))
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; os?: string[] }> }
    // A production package restricted to some systems is a native binary package (sharp's @img/*, keyring's per-platform ones).
    const platformPackages = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && entry.os)
      .map(([path]) => path)
    expect(platformPackages).toEqual(expect.arrayContaining(['node_modules/@img/sharp-win32-x64', 'node_modules/@img/sharp-darwin-arm64', 'node_modules/@napi-rs/keyring-win32-x64-msvc', 'node_modules/@napi-rs/keyring-darwin-arm64']))
    const left = platformPackages.filter((path) => !['native.node', 'lib/libvips.dylib', 'bin/libvips-42.dll'].every((file) => unpacked(`${path}/${file}`)))
    expect(left).toEqual([])
  }, 30_000)

  it('puts the keystead command into every install: deb scripts, the Linux wrapper, keystead.cmd and the NSIS include', async () => {
    const config = (await loadBuilderConfig()) as unknown as {
      linux: { extraResources: Array<{ from: string; to: string }> }
      deb: { afterInstall: string; afterRemove: string }
      win: { extraFiles: Array<{ from: string; to: string }> }
      nsis: { include: string }
    }
    expect(config.linux.extraResources).toEqual([{ from: 'resources/cli/keystead', to: 'cli/keystead' }])
    expect(config.win.extraFiles).toEqual([{ from: 'resources/cli/keystead.cmd', to: 'keystead.cmd' }])
    for (const file of [config.deb.afterInstall, config.deb.afterRemove, config.nsis.include, 'resources/cli/keystead', 'resources/cli/keystead.cmd']) {
      expect(existsSync(join(ROOT, file)), file).toBe(true)
    }
  }, 30_000)

  it('is what `npm run dist` uses, and installing the builder runs no install script', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
      allowScripts: Record<string, boolean>
    }
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.config.ts')
    // electron-winstaller (Squirrel, unused: we build NSIS) has the only install script in the tree; it stays off.
    expect(pkg.allowScripts['electron-winstaller']).toBe(false)
  })
})

describe('the afterPack fuses hook on a fake packed app', () => {
  let dir: ReturnType<typeof makeTempDir>
  beforeEach(() => {
    dir = makeTempDir('keystead-pack-')
  })
  afterEach(() => dir.remove())

  const packager = { appInfo: { productFilename: 'Keystead' }, executableName: 'keystead' }

  it.each([
    // platform, path of the binary inside appOutDir, expected wire after flipping
    ['linux', 'keystead', '010001001'],
    ['win32', 'Keystead.exe', '010011001'],
    ['darwin', 'Keystead.app/Contents/Frameworks/Electron Framework.framework/Electron Framework', '010011001'],
  ])('flips the fuses of a %s build and touches no other byte', async (platform, binary, expected) => {
    const appOutDir = join(dir.path, `${platform}-unpacked`)
    const file = join(appOutDir, binary)
    const { before, wireOffset } = writeFakeElectronBinary(file)
    expect(readFuseWire(file, wireOffset)).toBe(STOCK_FUSE_WIRE)

    await afterPack({ appOutDir, electronPlatformName: platform, packager })

    const wire = readFuseWire(file, wireOffset)
    expect(wire).toBe(expected)
    expect(wire[0]).toBe('0') // RunAsNode off
    expect(wire[1]).toBe('1') // EnableCookieEncryption on
    expect(wire[2]).toBe('0') // EnableNodeOptionsEnvironmentVariable off
    expect(wire[3]).toBe('0') // EnableNodeCliInspectArguments off
    expect(wire[5]).toBe('1') // OnlyLoadAppFromAsar on
    expect(wire[7]).toBe('0') // GrantFileProtocolExtraPrivileges off
    const after = readFileSync(file)
    expect(after.length).toBe(before.length)
    const changed = [...after.keys()].filter((i) => after[i] !== before[i])
    expect(changed.every((i) => i >= wireOffset && i < wireOffset + STOCK_FUSE_WIRE.length)).toBe(true)
  })

  it('finds the binary where electron-builder puts it', () => {
    expect(electronBinaryPath({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe('/o/keystead')
    expect(electronBinaryPath({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe('/o/Keystead.exe')
    expect(electronBinaryPath({ appOutDir: '/o', electronPlatformName: 'darwin', packager })).toBe('/o/Keystead.app')
    expect(() => electronBinaryPath({ appOutDir: '/o', electronPlatformName: 'aix', packager })).toThrow(/does not package/)
  })

  it('fails the build when the binary has no fuse wire', async () => {
    const appOutDir = join(dir.path, 'broken')
    writeFakeElectronBinary(join(appOutDir, 'keystead'))
    const file = join(appOutDir, 'keystead')
    const bytes = readFileSync(file)
    bytes.write('xxxxxxxx', 70_000, 'ascii') // damage the sentinel
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, bytes)
    await expect(afterPack({ appOutDir, electronPlatformName: 'linux', packager })).rejects.toThrow(/sentinel/)
  })

  it('turns asar integrity checking on only where Electron supports it', () => {
    expect(keysteadFuses('darwin')[4]).toBe(true)
    expect(keysteadFuses('win32')[4]).toBe(true)
    expect(keysteadFuses('linux')[4]).toBe(false)
  })
})

/** Every native file below a package folder, not descending into its own node_modules (npm ls lists those separately). */
function findNativeFiles(folder: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name)
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...findNativeFiles(path))
    else if (entry.isFile() && /\.(node|dylib|dll)$|\.so(\.\d+)*$/.test(entry.name)) found.push(path)
  }
  return found
}
