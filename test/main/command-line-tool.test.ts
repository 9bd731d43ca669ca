import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { COMMAND_LINE_TOOL_MARKER, commandLineToolFolders, installCommandLineTool, MENU_LANGUAGES, menuTextFor } from '../../src-main/platform/command-line-tool.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'

/**
 * How `keystead` reaches PATH in each install, checked as far as this Linux machine allows: the deb's
 * wrapper script and after-install template really run; the menu action's installer writes real
 * scripts that run; keystead.cmd and the NSIS include are checked as text (no Windows, no makensis here).
 */
const ROOT = join(import.meta.dirname, '../..')
let dir: ReturnType<typeof makeTempDir>
beforeEach(() => (dir = makeTempDir('keystead-cli-tool-')))
afterEach(() => dir.remove())

/** A stand-in for the app's executable: prints its arguments one a line and exits with 3. */
function writeFakeExecutable(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true })
  writeFileSync(path, '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\nexit 3\n', { mode: 0o755 })
}

const run = (file: string, args: string[], env: Record<string, string>) => spawnSync(file, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } })

describe('the deb package', () => {
  it('links /usr/bin/keystead to a script that runs the app\'s executable with --cli and every argument', () => {
    // The layout the deb installs: /opt/Keystead/keystead and /opt/Keystead/resources/cli/keystead, linked from /usr/bin.
    const opt = join(dir.path, 'opt', 'Keystead')
    writeFakeExecutable(join(opt, 'keystead'))
    mkdirSync(join(opt, 'resources', 'cli'), { recursive: true })
    copyFileSync(join(ROOT, 'resources/cli/keystead'), join(opt, 'resources/cli/keystead'))
    chmodSync(join(opt, 'resources/cli/keystead'), 0o755)
    mkdirSync(join(dir.path, 'usr', 'bin'), { recursive: true })
    symlinkSync(join(opt, 'resources/cli/keystead'), join(dir.path, 'usr/bin/keystead'))

    const withDisplay = run(join(dir.path, 'usr/bin/keystead'), ['--json', 'accounts', 'list', 'a b'], { DISPLAY: ':0' })
    expect(withDisplay.stdout.split('\n')).toEqual(['--cli', '--json', 'accounts', 'list', 'a b', ''])
    expect(withDisplay.status).toBe(3)
    const overSSH = run(join(dir.path, 'usr/bin/keystead'), ['accounts', 'list'], {})
    expect(overSSH.stdout.split('\n')).toEqual(['--ozone-platform=headless', '--cli', 'accounts', 'list', ''])
  })

  it('has after-install and after-remove scripts from electron-builder\'s templates that point /usr/bin/keystead at that script', () => {
    const install = readFileSync(join(ROOT, 'resources/build/linux/after-install.sh'), 'utf8')
    const remove = readFileSync(join(ROOT, 'resources/build/linux/after-remove.sh'), 'utf8')
    const render = (text: string) => text.replaceAll('${executable}', 'keystead').replaceAll('${sanitizedProductName}', 'Keystead')
    expect(render(install)).toContain("KEYSTEAD_CLI='/opt/Keystead/resources/cli/keystead'")
    expect(render(install)).toContain(`update-alternatives --install '/usr/bin/keystead' 'keystead' "$KEYSTEAD_CLI" 100`)
    expect(render(install)).toContain(`ln -sf "$KEYSTEAD_CLI" '/usr/bin/keystead'`)
    expect(render(install)).not.toContain("'/opt/Keystead/keystead' 100")
    expect(render(remove)).toContain("update-alternatives --remove 'keystead' '/opt/Keystead/resources/cli/keystead'")
    // Everything else is electron-builder's template as it is (sandbox permissions, AppArmor profile...).
    const template = readFileSync(createRequire(join(ROOT, 'package.json')).resolve('app-builder-lib/templates/linux/after-install.tpl'), 'utf8')
    expect(install.slice(install.indexOf('# Check if user namespaces'))).toBe(template.slice(template.indexOf('# Check if user namespaces')))
    for (const script of [install, remove]) {
      const file = join(dir.path, 'script.sh')
      writeFileSync(file, render(script))
      expect(() => execFileSync('bash', ['-n', file])).not.toThrow()
    }
  })
})

describe('the Windows installer (text only: no Windows or makensis on this machine)', () => {
  it('ships keystead.cmd, which runs Keystead.exe --cli with every argument and passes the exit code on', () => {
    const cmd = readFileSync(join(ROOT, 'resources/cli/keystead.cmd'), 'utf8')
    expect(cmd).toMatch(/\r\n/)
    expect(cmd).toContain('"%~dp0Keystead.exe" --cli %*\r\n')
    expect(cmd).toContain('exit /b %ERRORLEVEL%')
    const nsis = readFileSync(join(ROOT, 'resources/build/installer.nsh'), 'utf8')
    expect(nsis).toMatch(/!macro customInstall[\s\S]*WriteRegExpandStr HKCU "Environment" "Path" "\$0;\$INSTDIR"[\s\S]*!macroend/)
    expect(nsis).toMatch(/!macro customUnInstall[\s\S]*\$\{UnStrRep\}[\s\S]*!macroend/)
    expect(nsis).toContain('${NSIS_MAX_STRLEN}')
  })
})

describe('"Install Command Line Tool" (macOS, AppImage)', () => {
  it('writes an executable script that runs the app with --cli, into the first folder that takes it, and says whether it is on PATH', () => {
    const app = join(dir.path, "My Apps/Keystead's.AppImage")
    writeFakeExecutable(app)
    const blocked = join(dir.path, 'a-file')
    writeFileSync(blocked, '')
    const home = join(dir.path, 'home', '.local', 'bin')
    const outcome = installCommandLineTool({ executable: app, platform: 'linux', folders: [join(blocked, 'bin'), home], pathVariable: `/usr/bin:${home}` })
    expect(outcome).toEqual({ status: 'installed', path: join(home, 'keystead'), onPath: true })
    expect(statSync(join(home, 'keystead')).mode & 0o777).toBe(0o755)
    const ran = run(join(home, 'keystead'), ['accounts', 'list', '--json'], { DISPLAY: ':1' })
    expect(ran.stdout.split('\n')).toEqual(['--cli', 'accounts', 'list', '--json', ''])
    expect(ran.status).toBe(3)
    // Installing again replaces its own script; not on PATH is reported.
    expect(installCommandLineTool({ executable: app, platform: 'darwin', folders: [home], pathVariable: '/usr/bin' })).toEqual({ status: 'installed', path: join(home, 'keystead'), onPath: false })
    expect(run(join(home, 'keystead'), ['x'], {}).stdout).toBe('--cli\nx\n')
  })

  it('never replaces a keystead it did not write, and reports a failure in every folder', () => {
    const folder = join(dir.path, 'bin')
    mkdirSync(folder)
    writeFileSync(join(folder, 'keystead'), '#!/bin/sh\necho npm-installed\n', { mode: 0o755 })
    expect(installCommandLineTool({ executable: '/x', platform: 'linux', folders: [folder], pathVariable: '' })).toEqual({ status: 'taken', path: join(folder, 'keystead') })
    expect(readFileSync(join(folder, 'keystead'), 'utf8')).toBe('#!/bin/sh\necho npm-installed\n')
    symlinkSync('/nonexistent/keystead', join(dir.path, 'keystead'))
    expect(installCommandLineTool({ executable: '/x', platform: 'linux', folders: [dir.path], pathVariable: '' })).toMatchObject({ status: 'taken' })
    writeFileSync(join(dir.path, 'file'), '')
    const failed = installCommandLineTool({ executable: '/x', platform: 'linux', folders: [join(dir.path, 'file', 'bin')], pathVariable: '' })
    expect(failed).toMatchObject({ status: 'failed' })
    expect(existsSync(join(dir.path, 'file', 'bin'))).toBe(false)
    expect(readFileSync(join(folder, 'keystead'), 'utf8')).not.toContain(COMMAND_LINE_TOOL_MARKER)
  })

  it('tries /usr/local/bin first on macOS, ~/.local/bin elsewhere; its words exist in en, tr and de', () => {
    expect(commandLineToolFolders('darwin', '/Users/a')).toEqual(['/usr/local/bin', '/Users/a/.local/bin'])
    expect(commandLineToolFolders('linux', '/home/a')).toEqual(['/home/a/.local/bin'])
    expect(MENU_LANGUAGES).toEqual(['en', 'tr', 'de'])
    const keys = Object.keys(menuTextFor('en'))
    for (const language of MENU_LANGUAGES) expect(Object.keys(menuTextFor(language))).toEqual(keys)
    expect(menuTextFor('de-DE').install).toBe('Befehlszeilenwerkzeug installieren…')
    expect(menuTextFor('fr').install).toBe('Install Command Line Tool…')
  })
})
