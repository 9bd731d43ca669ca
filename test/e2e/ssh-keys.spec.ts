import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expectAccessible, SCREENSHOT_DIR } from './a11y.ts'
import { expect, test } from './bridge.ts'
import type { KeysteadApp } from './bridge.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { sshString, wireLine } from '../fixtures/ssh-keys.ts'

const keysDir = makeTempDir('keystead-e2e-keys-')
function makeKey(name: string, args: string[], comment = `${name}@laptop`): { path: string; pub: string; sha256: string; md5: string } {
  const path = join(keysDir.path, name)
  execFileSync('ssh-keygen', [...args, '-N', '', '-C', comment, '-q', '-f', path])
  const sha256 = execFileSync('ssh-keygen', ['-lf', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1]!
  const md5 = execFileSync('ssh-keygen', ['-E', 'md5', '-lf', `${path}.pub`], { encoding: 'utf8' }).split(' ')[1]!
  return { path, pub: readFileSync(`${path}.pub`, 'utf8').trim(), sha256, md5 }
}

const ed25519 = makeKey('ed25519', ['-t', 'ed25519'], 'alice@laptop')
const ecdsa = makeKey('ecdsa', ['-t', 'ecdsa', '-b', '256'], 'alice@desktop')
const rsa = makeKey('rsa', ['-t', 'rsa', '-b', '3072'], 'alice@buildbox')
const rsa1024 = makeKey('rsa1024', ['-t', 'rsa', '-b', '1024'])
function dsaLine(): string {
  try {
    return makeKey('dsa', ['-t', 'dsa']).pub
  } catch {
    // OpenSSH builds without DSA cannot make one: build it from the wire format.
    return wireLine('ssh-dss', [sshString('ssh-dss'), sshString(Buffer.alloc(129, 7)), sshString(Buffer.alloc(21, 7)), sshString(Buffer.alloc(128, 7)), sshString(Buffer.alloc(128, 7))])
  }
}

test.afterAll(() => keysDir.remove())
// Long flows with several axe runs, on a busy 2-core machine.
test.describe.configure({ timeout: 120_000 })

async function signIn(app: KeysteadApp): Promise<Page> {
  await app.test.core.services!.accounts.createAccount({ username: 'alice', password: 'wonderland 1', fullName: 'Alice Liddell' })
  const page = await app.openWindow()
  await page.getByLabel('Username').fill('alice')
  await page.getByLabel('Password').fill('wonderland 1')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'SSH keys' }).click()
  await expect(page.getByRole('heading', { name: 'SSH keys', level: 1 })).toBeVisible()
  return page
}

const keyCount = (app: KeysteadApp) => (app.test.core.services!.db.prepare('SELECT count(*) AS n FROM ssh_keys').get() as { n: number }).n

test('adds keys by pasting, through the file dialog and by dropping; lists, copies, exports and deletes them', async ({ app }) => {
  const page = await signIn(app)
  await expect(page.getByTestId('ssh-keys-empty')).toHaveText('You have not added any SSH keys yet.')
  await expect(page.getByRole('button', { name: 'Export as authorized_keys…' })).toBeDisabled()
  await expectAccessible(page, 'ssh keys (empty)')

  // Paste: the preview shows what ssh-keygen says, and the title takes the comment.
  await page.getByRole('textbox', { name: 'Public key' }).fill(ed25519.pub)
  await expect(page.getByTestId('ssh-key-preview')).toContainText(`ssh-ed25519 · 256 bits · ${ed25519.sha256}`)
  await expect(page.getByLabel('Title')).toHaveValue('alice@laptop')
  await page.getByRole('button', { name: 'Add key' }).click()
  await expect(page.getByTestId('ssh-keys-status')).toHaveText('The key “alice@laptop” was added.')
  await expect(page.getByRole('textbox', { name: 'Public key' })).toHaveValue('')
  const list = page.getByTestId('ssh-key-list')
  await expect(list.getByRole('row')).toHaveCount(2)

  // The native open dialog (scripted), with a title and an expiry date of our own.
  app.test.platform.nextOpenPaths.push(`${ecdsa.path}.pub`)
  await page.getByRole('button', { name: 'Import a .pub file…' }).click()
  await expect(page.getByTestId('ssh-key-imported')).toHaveText('Read from ecdsa.pub.')
  await expect(page.getByRole('textbox', { name: 'Public key' })).toHaveValue(ecdsa.pub)
  await expect(page.getByTestId('ssh-key-preview')).toContainText(ecdsa.sha256)
  expect(app.test.platform.openRequests[0]).toMatchObject({ title: 'Import an SSH public key' })
  await page.getByLabel('Title').fill('Desktop')
  await page.getByLabel('Expires on (optional)').fill('2099-12-31')
  await page.getByRole('button', { name: 'Add key' }).click()
  await expect(page.getByTestId('ssh-keys-status')).toHaveText('The key “Desktop” was added.')

  // Drop a .pub file on the form: the renderer reads its text.
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer()
    transfer.items.add(new File([text], 'id_rsa.pub', { type: 'text/plain' }))
    return transfer
  }, `${rsa.pub}\n`)
  await page.getByTestId('ssh-key-form').dispatchEvent('drop', { dataTransfer })
  await expect(page.getByTestId('ssh-key-imported')).toHaveText('Read from id_rsa.pub.')
  await expect(page.getByTestId('ssh-key-preview')).toContainText(`ssh-rsa · 3072 bits · ${rsa.sha256}`)
  await page.getByRole('button', { name: 'Add key' }).click()
  await expect(page.getByTestId('ssh-keys-status')).toHaveText('The key “alice@buildbox” was added.')
  expect(keyCount(app)).toBe(3)

  // The list: title, type, bits, fingerprint (MD5 on demand), comment, added, expiry.
  const rows = list.locator('tbody tr')
  await expect(rows).toHaveCount(3)
  await expect(rows.nth(0)).toContainText('alice@laptop')
  await expect(rows.nth(1)).toContainText('Desktop')
  await expect(rows.nth(1).locator('td').first()).toHaveText('ecdsa-sha2-nistp256256 bits')
  await expect(rows.nth(1).locator('.ssh-keys__bits')).toHaveText('256 bits')
  await expect(rows.nth(1).getByTestId('comment')).toHaveText('Comment: alice@desktop')
  await expect(rows.nth(0).getByTestId('comment')).toHaveCount(0) // same as the title
  await expect(rows.nth(1)).toContainText('Dec 31, 2099')
  await expect(rows.nth(0)).toContainText('Never')
  await expect(rows.nth(2).getByTestId('fingerprint')).toHaveText(rsa.sha256)
  await rows.nth(2).getByRole('button', { name: 'Show MD5' }).click()
  await expect(rows.nth(2).getByTestId('fingerprint')).toHaveText(rsa.md5)
  await rows.nth(2).getByRole('button', { name: 'Show SHA256' }).click()
  await expect(rows.nth(2).getByTestId('fingerprint')).toHaveText(rsa.sha256)

  // Copy goes through the main process to the clipboard.
  await page.getByRole('button', { name: 'Copy the public key “Desktop”' }).click()
  await expect(page.getByTestId('ssh-keys-status')).toHaveText('The public key “Desktop” is on the clipboard.')
  expect(app.test.platform.clipboardText).toBe(ecdsa.pub)

  // An expired key is marked (set in the database: the form refuses past dates).
  app.test.core.services!.db.prepare("UPDATE ssh_keys SET expires_on = '2020-01-31' WHERE title = 'alice@buildbox'").run()
  await page.getByRole('link', { name: 'Profile' }).first().click()
  await page.getByRole('navigation', { name: 'Account sections' }).getByRole('link', { name: 'SSH keys' }).click()
  await expect(rows.nth(2)).toContainText('Expired')
  await expectAccessible(page, 'ssh keys (list)')
  await page.getByRole('textbox', { name: 'Public key' }).fill(ed25519.pub.replace('alice@laptop', 'second copy'))
  await expect(page.getByTestId('ssh-key-error')).toHaveText('You have already added this key.')
  await page.getByRole('textbox', { name: 'Public key' }).fill('')
  await expect(page.getByTestId('ssh-key-error')).toBeHidden()
  await page.getByRole('heading', { name: 'SSH keys', level: 1 }).scrollIntoViewIfNeeded()
  await page.screenshot({ path: `${SCREENSHOT_DIR}/ssh-keys.png`, fullPage: true })

  // Export: an authorized_keys file with the unexpired keys, through the save dialog.
  const target = join(app.dataDir, 'authorized_keys')
  app.test.platform.nextSavePaths.push(target)
  await page.getByRole('button', { name: 'Export as authorized_keys…' }).click()
  await expect(page.getByTestId('ssh-keys-status')).toHaveText('Saved authorized_keys with 2 keys.')
  expect(readFileSync(target, 'utf8')).toBe(`${ed25519.pub}\nexpiry-time="21000101" ${ecdsa.pub}\n`)
  expect(app.test.platform.saveRequests.at(-1)).toMatchObject({ title: 'Save the SSH keys as authorized_keys', defaultFileName: 'authorized_keys' })

  // Delete, with a confirmation that can be cancelled.
  await page.getByRole('button', { name: 'Delete the key “Desktop”' }).click()
  const dialog = page.getByRole('dialog', { name: 'Delete this SSH key?' })
  await expect(dialog).toContainText(ecdsa.sha256)
  await expectAccessible(page, 'ssh keys (delete dialog)')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  expect(keyCount(app)).toBe(3)
  await page.getByRole('button', { name: 'Delete the key “Desktop”' }).click()
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(page.getByTestId('ssh-keys-status')).toHaveText('The key “Desktop” was deleted.')
  await expect(rows).toHaveCount(2)
  expect(keyCount(app)).toBe(2)
  const kinds = app.test.core.services!.db.prepare("SELECT kind FROM security_log WHERE kind LIKE 'sshKey.%' ORDER BY id").all()
  expect(kinds).toEqual([{ kind: 'sshKey.added' }, { kind: 'sshKey.added' }, { kind: 'sshKey.added' }, { kind: 'sshKey.removed' }])
  expect(app.problems).toEqual([])
})

test('shows why a key is refused and stores nothing', async ({ app }) => {
  const page = await signIn(app)
  const keyField = page.getByRole('textbox', { name: 'Public key' })
  const error = page.getByTestId('ssh-key-error')

  await keyField.fill(dsaLine())
  await expect(error).toHaveText(/^DSA keys \(ssh-dss\) are not accepted because OpenSSH no longer supports them/)
  await expectAccessible(page, 'ssh keys (refusal)')

  await keyField.fill(rsa1024.pub)
  await expect(error).toHaveText('This RSA key has 1024 bits; at least 2048 are needed. Create an Ed25519 key (ssh-keygen -t ed25519) or a longer RSA key.')

  await keyField.fill('this is not a key at all')
  await expect(error).toHaveText(/^This does not look like an SSH public key/)
  await page.getByLabel('Title').fill('Garbage')
  await page.getByRole('button', { name: 'Add key' }).click()
  await expect(error).toHaveText(/^This does not look like an SSH public key/)

  // A private key: refused, and taken out of the form at once.
  const privateKey = readFileSync(ed25519.path, 'utf8')
  await keyField.fill(privateKey)
  await expect(error).toHaveText(/^This is a PRIVATE key\. Never share it\. Paste the public key instead/)
  await expect(keyField).toHaveValue('')
  // The same through the file dialog: nothing of it reaches the form.
  app.test.platform.nextOpenPaths.push(ed25519.path)
  await page.getByRole('button', { name: 'Import a .pub file…' }).click()
  await expect(error).toHaveText(/^This is a PRIVATE key/)
  await expect(keyField).toHaveValue('')

  // The same key twice, here on another account.
  const services = app.test.core.services!
  const bob = await services.accounts.createAccount({ username: 'bob', password: 'builder 12' })
  services.sshKeys.addKey(bob.id, { title: 'Bob', publicKey: rsa.pub })
  await keyField.fill(rsa.pub)
  await expect(error).toHaveText('This key already belongs to another account on this computer. A key can be on one account only.')

  // A title that is too long is refused by main even if the form let it through.
  await keyField.fill(ed25519.pub)
  await expect(page.getByTestId('ssh-key-preview')).toBeVisible()
  await page.getByLabel('Title').evaluate((input: HTMLInputElement) => input.removeAttribute('maxlength'))
  await page.getByLabel('Title').fill('x'.repeat(101))
  await page.getByRole('button', { name: 'Add key' }).click()
  await expect(page.getByText('A title can have at most 100 characters.')).toBeVisible()

  expect(services.sshKeys.listKeys(services.accounts.findAccountByUsername('alice')!.id)).toEqual([])
  services.db.pragma('wal_checkpoint(TRUNCATE)')
  const stored = readFileSync(join(app.dataDir, 'keystead.db')).toString('latin1')
  for (const line of privateKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(stored.includes(line)).toBe(false)
  expect(app.problems).toEqual([])
})
