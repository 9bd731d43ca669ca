import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readOSFacts, readProductName } from '../../src-main/platform/os-facts.ts'
import { collectDeviceFacts, describeModel, selectPrimaryAddress, summarizeDevice } from '../../src-main/services/device-facts.ts'
import type { OSFacts } from '../../src-main/services/device-facts.ts'

const ELECTRON_LINUX: OSFacts = {
  versions: { electron: '45.4.1', chrome: '140.0.7339.133', v8: '14.0.365.10-electron.0', node: '22.19.0' },
  osType: 'Linux',
  osRelease: '6.12.48+deb13-amd64',
  productName: 'ThinkPad X1 Carbon Gen 11\n',
  networkInterfaces: {
    lo: [
      { address: '127.0.0.1', family: 'IPv4', internal: true },
      { address: '::1', family: 'IPv6', internal: true },
    ],
    docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }],
    wlp0s20f3: [
      { address: 'fe80::1c2b:3aff:fe4d:5e6f', family: 'IPv6', internal: false },
      { address: '192.168.1.23', family: 'IPv4', internal: false },
    ],
  },
  arch: 'x64',
}

describe('device facts from injected OS facts', () => {
  it('describes an Electron session on Linux from real-looking facts', () => {
    expect(collectDeviceFacts(ELECTRON_LINUX)).toEqual({
      browser: 'Electron 45.4.1, Chromium 140.0.7339.133',
      os: 'Linux 6.12.48+deb13-amd64',
      model: 'ThinkPad X1 Carbon Gen 11',
      ip: '192.168.1.23',
      engine: 'Blink 140.0.7339.133, V8 14.0.365.10-electron.0',
      arch: 'x64',
    })
  })

  it('describes the command line (plain Node) without inventing a browser', () => {
    const facts = collectDeviceFacts({
      ...ELECTRON_LINUX,
      versions: { v8: '13.6.233.10-node.27', node: '24.21.0' },
      osType: 'Darwin',
      osRelease: '24.6.0',
      productName: null,
      networkInterfaces: {},
      arch: 'arm64',
    })
    expect(facts).toEqual({ browser: 'Node.js 24.21.0', os: 'macOS 24.6.0', model: 'Unknown', ip: 'Unknown', engine: 'V8 13.6.233.10-node.27', arch: 'arm64' })
  })

  it('says Unknown for everything the OS does not tell', () => {
    expect(collectDeviceFacts({ versions: {}, osType: '', osRelease: '', productName: null, networkInterfaces: {}, arch: '' })).toEqual({
      browser: 'Unknown',
      os: 'Unknown',
      model: 'Unknown',
      ip: 'Unknown',
      engine: 'Unknown',
      arch: 'Unknown',
    })
  })

  it('names Windows and keeps an unknown OS type as it is', () => {
    expect(collectDeviceFacts({ ...ELECTRON_LINUX, osType: 'Windows_NT', osRelease: '10.0.26100' }).os).toBe('Windows 10.0.26100')
    expect(collectDeviceFacts({ ...ELECTRON_LINUX, osType: 'SunOS', osRelease: '5.11' }).os).toBe('SunOS 5.11')
  })

  it.each([
    ['To be filled by O.E.M.', 'Unknown'],
    ['System Product Name', 'Unknown'],
    ['Default string', 'Unknown'],
    ['   ', 'Unknown'],
    ['OEM', 'Unknown'],
    ['Latitude 7440\n', 'Latitude 7440'],
    ['Virtual\u0007Machine', 'Virtual Machine'],
  ])('model %j -> %j (firmware placeholders are not models)', (raw, expected) => {
    expect(describeModel(raw)).toBe(expected)
  })

  it('picks the primary non-internal address: IPv4 first, own interfaces before bridges, never loopback or link-local', () => {
    expect(selectPrimaryAddress(ELECTRON_LINUX.networkInterfaces)).toBe('192.168.1.23')
    expect(selectPrimaryAddress({ lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }] })).toBe('Unknown')
    expect(selectPrimaryAddress({ eth0: [{ address: '169.254.3.4', family: 'IPv4', internal: false }] })).toBe('Unknown')
    expect(selectPrimaryAddress({ eth0: [{ address: '2001:db8::5', family: 'IPv6', internal: false }], docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }] })).toBe(
      '2001:db8::5',
    )
    expect(selectPrimaryAddress({ docker0: [{ address: '172.17.0.1', family: 'IPv4', internal: false }] })).toBe('172.17.0.1')
    // Node 18.0-18.3 reported the family as a number.
    expect(selectPrimaryAddress({ en0: [{ address: '10.0.0.7', family: 4, internal: false }] })).toBe('10.0.0.7')
  })

  it('summarizes a device for the security log', () => {
    expect(summarizeDevice(collectDeviceFacts(ELECTRON_LINUX))).toBe('Electron 45.4.1, Chromium 140.0.7339.133 on Linux 6.12.48+deb13-amd64 (x64)')
  })

  it('reads the real OS facts of this process (plain Node)', () => {
    const facts = readOSFacts()
    expect(facts.arch).toBe(process.arch)
    expect(facts.versions.node).toBe(process.versions.node)
    const device = collectDeviceFacts(facts)
    expect(device.browser).toBe(`Node.js ${process.versions.node}`)
    expect(device.arch).toBe(process.arch)
  })

  it('reads the product name on Linux from sysfs, and only when the file is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keystead-dmi-'))
    const noCommands = () => {
      throw new Error('no command may run on Linux')
    }
    try {
      const file = join(dir, 'product_name')
      writeFileSync(file, 'Test Board 9000\n')
      expect(readProductName('linux', file, noCommands)).toBe('Test Board 9000\n')
      expect(readProductName('linux', join(dir, 'missing'), noCommands)).toBeNull()
      expect(readProductName('freebsd', file, noCommands)).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('asks macOS for hw.model and Windows for the firmware product name; a failing command means Unknown', () => {
    const asked: string[] = []
    const mac = (file: string, args: string[]) => (asked.push([file, ...args].join(' ')), 'MacBookPro18,3\n')
    const macModel = readProductName('darwin', '/nonexistent', mac)
    expect(macModel).toBe('MacBookPro18,3\n')
    expect(collectDeviceFacts({ ...ELECTRON_LINUX, productName: macModel }).model).toBe('MacBookPro18,3')

    const registry = '\r\nHKEY_LOCAL_MACHINE\\HARDWARE\\DESCRIPTION\\System\\BIOS\r\n    SystemProductName    REG_SZ    Surface Laptop 5\r\n\r\n'
    const windows = (file: string, args: string[]) => (asked.push([file, ...args].join(' ')), registry)
    expect(readProductName('win32', '/nonexistent', windows)).toBe('Surface Laptop 5')
    expect(asked).toEqual(['/usr/sbin/sysctl -n hw.model', 'reg query HKLM\\HARDWARE\\DESCRIPTION\\System\\BIOS /v SystemProductName'])

    const failing = () => {
      throw new Error('spawn ENOENT')
    }
    expect(readProductName('darwin', '/nonexistent', failing)).toBeNull()
    expect(readProductName('win32', '/nonexistent', failing)).toBeNull()
    expect(readProductName('win32', '/nonexistent', () => 'ERROR: The system was unable to find the specified registry key or value.')).toBeNull()
    expect(collectDeviceFacts({ ...ELECTRON_LINUX, productName: null }).model).toBe('Unknown')
  })
})
