import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses'
import type { FuseV1Config } from '@electron/fuses'
import { join } from 'node:path'

/**
 * Electron fuses are switches compiled into the Electron binary; flipping them after
 * packing turns off features an attacker with local access could use to run code
 * inside the signed app. electron-builder calls `afterPack` before it signs and
 * wraps the app (AppImage, deb, NSIS, dmg), so the signature covers the flipped bytes.
 */
export type PackPlatform = 'linux' | 'win32' | 'darwin' | 'mas'

/** The fuses Keystead sets, by platform (asar integrity checking exists only on macOS and Windows). */
export function keysteadFuses(platform: PackPlatform): FuseV1Config {
  return {
    version: FuseVersion.V1,
    // Without these, `ELECTRON_RUN_AS_NODE=1 Keystead`, `NODE_OPTIONS=--require evil.js` or
    // `--inspect` would run arbitrary code with the app's identity and file access.
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    // Cookies and other Chromium stores encrypted with the OS keyring.
    [FuseV1Options.EnableCookieEncryption]: true,
    // Only the packaged app.asar may be loaded, not a swapped-in app folder.
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // electron-builder records the asar's hash (Info.plist / resources) on macOS and Windows.
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: platform === 'darwin' || platform === 'mas' || platform === 'win32',
    // Keystead serves its pages from app://, so file:// needs no extra powers.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    // macOS arm64 refuses to run a binary whose ad-hoc signature no longer matches (codesign exists only on macOS).
    resetAdHocDarwinSignature: (platform === 'darwin' || platform === 'mas') && process.platform === 'darwin',
  }
}

/** The subset of electron-builder's AfterPackContext this hook reads. */
export interface PackedApp {
  appOutDir: string
  electronPlatformName: string
  packager: { appInfo: { productFilename: string }; executableName?: string }
}

/** Where the fuse wire lives in a packed app: the executable, or the .app bundle on macOS. */
export function electronBinaryPath(context: PackedApp): string {
  const name = context.packager.appInfo.productFilename
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(context.appOutDir, `${name}.app`)
    case 'win32':
      return join(context.appOutDir, `${name}.exe`)
    case 'linux':
      return join(context.appOutDir, context.packager.executableName ?? name.toLowerCase())
    default:
      throw new Error(`Keystead does not package for ${context.electronPlatformName}`)
  }
}

/** Flips the fuses and reads them back; throws when any fuse did not take. */
export async function flipKeysteadFuses(binaryPath: string, platform: PackPlatform): Promise<void> {
  const wanted = keysteadFuses(platform)
  await flipFuses(binaryPath, wanted)
  const wire = await getCurrentFuseWire(binaryPath)
  for (const [key, value] of Object.entries(wanted)) {
    if (typeof value !== 'boolean' || !/^\d+$/.test(key)) continue
    const state = wire[Number(key) as FuseV1Options]
    const expected = value ? 49 : 48 // '1' enabled, '0' disabled
    if (state !== expected) throw new Error(`Fuse ${FuseV1Options[Number(key)]} is ${String(state)} after flipping, expected ${expected}`)
  }
}

/** electron-builder's afterPack hook (see electron-builder.config.ts). */
export default async function afterPack(context: PackedApp): Promise<void> {
  await flipKeysteadFuses(electronBinaryPath(context), context.electronPlatformName as PackPlatform)
}
