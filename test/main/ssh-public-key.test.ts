import { execFileSync } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { formatAuthorizedKeyLine, looksLikePrivateKey, parseSSHPublicKey } from '../../src-main/services/ssh-public-key.ts'
import { makeTempDir } from '../fixtures/temp-dir.ts'
import { buildSkEcdsaLine, buildSkEd25519Line, sshString, wireLine } from '../fixtures/ssh-keys.ts'

let dir: ReturnType<typeof makeTempDir>

/** Runs ssh-keygen -lf on a .pub file: { bits, sha256, md5, comment }. */
function keygenFacts(pubPath: string): { bits: number; sha256: string; md5: string } {
  const sha = execFileSync('ssh-keygen', ['-lf', pubPath], { encoding: 'utf8' }).trim().split(' ')
  const md5 = execFileSync('ssh-keygen', ['-E', 'md5', '-lf', pubPath], { encoding: 'utf8' }).trim().split(' ')
  return { bits: Number(sha[0]), sha256: sha[1]!, md5: md5[1]! }
}

function generate(name: string, args: string[]): string {
  const path = join(dir.path, name)
  execFileSync('ssh-keygen', [...args, '-N', '', '-C', `${name}@test`, '-q', '-f', path])
  return path
}

function refusalOf(text: string): KeysteadError {
  try {
    parseSSHPublicKey(text)
  } catch (error) {
    expect(error).toBeInstanceOf(KeysteadError)
    return error as KeysteadError
  }
  throw new Error('expected a refusal')
}

const GENERATED: Array<[string, string[], string, number]> = [
  ['ed25519', ['-t', 'ed25519'], 'ssh-ed25519', 256],
  ['ecdsa256', ['-t', 'ecdsa', '-b', '256'], 'ecdsa-sha2-nistp256', 256],
  ['ecdsa384', ['-t', 'ecdsa', '-b', '384'], 'ecdsa-sha2-nistp384', 384],
  ['ecdsa521', ['-t', 'ecdsa', '-b', '521'], 'ecdsa-sha2-nistp521', 521],
  ['rsa2048', ['-t', 'rsa', '-b', '2048'], 'ssh-rsa', 2048],
  ['rsa3072', ['-t', 'rsa', '-b', '3072'], 'ssh-rsa', 3072],
  ['rsa4096', ['-t', 'rsa', '-b', '4096'], 'ssh-rsa', 4096],
]
const paths = new Map<string, string>()

beforeAll(() => {
  dir = makeTempDir('keystead-ssh-')
  for (const [name, args] of GENERATED) paths.set(name, generate(name, args))
  paths.set('rsa1024', generate('rsa1024', ['-t', 'rsa', '-b', '1024']))
}, 120_000)
afterAll(() => dir.remove())

describe('keys made by ssh-keygen', () => {
  it.each(GENERATED)('%s: type, bits and both fingerprints equal ssh-keygen -lf', (name, _args, type, bits) => {
    const pub = `${paths.get(name)!}.pub`
    const parsed = parseSSHPublicKey(readFileSync(pub, 'utf8'))
    const facts = keygenFacts(pub)
    expect(parsed.type).toBe(type)
    expect(parsed.bits).toBe(bits)
    expect(parsed.bits).toBe(facts.bits)
    expect(parsed.fingerprintSHA256).toBe(facts.sha256)
    expect(parsed.fingerprintMD5).toBe(facts.md5)
    expect(parsed.comment).toBe(`${name}@test`)
    expect(parsed.options).toBe('')
    // Formatting it back gives the very line ssh-keygen wrote.
    expect(formatAuthorizedKeyLine(parsed)).toBe(readFileSync(pub, 'utf8').trim())
  })
})

describe('security-key (sk-*) keys built from their wire format', () => {
  it.each([
    ['sk-ssh-ed25519@openssh.com', buildSkEd25519Line, 'yubi@test'],
    ['sk-ecdsa-sha2-nistp256@openssh.com', buildSkEcdsaLine, 'solo@test'],
  ])('%s matches ssh-keygen', (type, build, comment) => {
    const line = build(comment)
    const pub = join(dir.path, `${type}.pub`)
    writeFileSync(pub, line + '\n')
    const parsed = parseSSHPublicKey(line)
    const facts = keygenFacts(pub)
    expect(parsed).toMatchObject({ type, bits: 256, comment })
    expect([parsed.bits, parsed.fingerprintSHA256, parsed.fingerprintMD5]).toEqual([facts.bits, facts.sha256, facts.md5])
  })
})

describe('the line around the key', () => {
  it('reads authorized_keys options with quoted values, and comments with spaces', () => {
    const line = readFileSync(`${paths.get('ed25519')!}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
    const parsed = parseSSHPublicKey(`from="10.0.0.0/8,192.168.1.1",command="echo \\"hi there\\"",no-pty,restrict ${line}   my  laptop key `)
    expect(parsed.options).toBe('from="10.0.0.0/8,192.168.1.1",command="echo \\"hi there\\"",no-pty,restrict')
    expect(parsed.comment).toBe('my  laptop key')
    expect(parsed.type).toBe('ssh-ed25519')
  })

  it('ignores blank and # lines around one key, and CRLF line ends', () => {
    const line = readFileSync(`${paths.get('ecdsa256')!}.pub`, 'utf8').trim()
    expect(parseSSHPublicKey(`# my key\r\n\r\n${line}\r\n`).type).toBe('ecdsa-sha2-nistp256')
  })

  it('accepts a key with no comment', () => {
    const [type, data] = readFileSync(`${paths.get('ed25519')!}.pub`, 'utf8').trim().split(' ')
    expect(parseSSHPublicKey(`${type} ${data}`).comment).toBe('')
  })
})

describe('refusals, each with a reason the user can act on', () => {
  const ed25519 = () => readFileSync(`${paths.get('ed25519')!}.pub`, 'utf8').trim()

  it('refuses DSA made by ssh-keygen (or built from the wire format where ssh-keygen cannot)', () => {
    let line: string
    try {
      line = readFileSync(`${generate('dsa', ['-t', 'dsa'])}.pub`, 'utf8')
    } catch {
      line = wireLine('ssh-dss', [sshString('ssh-dss'), sshString(randomBytes(129)), sshString(randomBytes(21)), sshString(randomBytes(128)), sshString(randomBytes(128))])
    }
    expect(line.startsWith('ssh-dss ')).toBe(true)
    expect(refusalOf(line)).toMatchObject({ code: 'VALIDATION', field: 'publicKey', reason: 'sshKeys.dsaUnsupported' })
    // The blob says DSA even when the type word is edited.
    expect(refusalOf(line.replace(/^ssh-dss/, 'ssh-ed25519')).reason).toBe('sshKeys.dsaUnsupported')
  })

  it('refuses a 1024-bit RSA key made by ssh-keygen, saying how many bits it has', () => {
    const error = refusalOf(readFileSync(`${paths.get('rsa1024')!}.pub`, 'utf8'))
    expect(error).toMatchObject({ reason: 'sshKeys.rsaTooShort', params: { bits: 1024, min: 2048 } })
    expect(error.message).toContain('1024 bits')
  })

  it('refuses an unknown type word', () => {
    const data = ed25519().split(' ')[1]
    expect(refusalOf(`ssh-foo ${data}`)).toMatchObject({ reason: 'sshKeys.unknownType', params: { type: 'ssh-foo' } })
    expect(refusalOf(`ssh-ed25519-cert-v01@openssh.com ${data}`).reason).toBe('sshKeys.unknownType')
  })

  it('refuses an unknown type inside the blob', () => {
    expect(refusalOf(wireLine('ssh-ed25519', [sshString('ssh-foo'), sshString(randomBytes(32))])).reason).toBe('sshKeys.typeMismatch')
  })

  it('refuses a type word that disagrees with the blob', () => {
    const data = ed25519().split(' ')[1]
    expect(refusalOf(`ecdsa-sha2-nistp256 ${data}`)).toMatchObject({
      reason: 'sshKeys.typeMismatch',
      params: { type: 'ecdsa-sha2-nistp256', inner: 'ssh-ed25519' },
    })
  })

  it.each([
    ['a character outside base64', (d: string) => d.slice(0, 10) + '!' + d.slice(11)],
    ['a missing padding character', (d: string) => d.slice(0, -1)],
    ['non-canonical trailing bits', (d: string) => d.slice(0, -2) + 'z='],
  ])('refuses bad base64: %s', (_label, mangle) => {
    const [type, data] = ed25519().split(' ')
    expect(refusalOf(`${type} ${mangle(data!)}`).reason).toBe('sshKeys.badBase64')
  })

  it('refuses a truncated blob', () => {
    const [type, data] = ed25519().split(' ')
    const blob = Buffer.from(data!, 'base64')
    expect(refusalOf(`${type} ${blob.subarray(0, blob.length - 5).toString('base64')}`).reason).toBe('sshKeys.truncated')
    expect(refusalOf(`${type} ${blob.subarray(0, 2).toString('base64')}`).reason).toBe('sshKeys.truncated')
  })

  it('refuses trailing bytes in the blob', () => {
    const [type, data] = ed25519().split(' ')
    const blob = Buffer.concat([Buffer.from(data!, 'base64'), Buffer.from([0, 0, 0, 0])])
    expect(refusalOf(`${type} ${blob.toString('base64')}`).reason).toBe('sshKeys.trailingBytes')
  })

  it('refuses an Ed25519 key of the wrong length', () => {
    expect(refusalOf(wireLine('ssh-ed25519', [sshString('ssh-ed25519'), sshString(randomBytes(31))])).reason).toBe('sshKeys.malformed')
  })

  it('checks the ECDSA curve name, point length and that the point is on the curve', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = publicKey.export({ format: 'jwk' })
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')])
    const type = 'ecdsa-sha2-nistp256'
    expect(parseSSHPublicKey(wireLine(type, [sshString(type), sshString('nistp256'), sshString(point)])).bits).toBe(256)
    expect(refusalOf(wireLine(type, [sshString(type), sshString('nistp384'), sshString(point)])).reason).toBe('sshKeys.curveMismatch')
    expect(refusalOf(wireLine(type, [sshString(type), sshString('nistp256'), sshString(point.subarray(0, 64))])).reason).toBe('sshKeys.badPoint')
    const compressed = Buffer.concat([Buffer.from([2]), point.subarray(1, 33), Buffer.alloc(32)])
    expect(refusalOf(wireLine(type, [sshString(type), sshString('nistp256'), sshString(compressed)])).reason).toBe('sshKeys.badPoint')
    const offCurve = Buffer.from(point)
    offCurve[64] = offCurve[64]! ^ 1
    expect(refusalOf(wireLine(type, [sshString(type), sshString('nistp256'), sshString(offCurve)])).reason).toBe('sshKeys.badPoint')
  })

  it('refuses a negative or malformed RSA modulus', () => {
    const negative = Buffer.concat([Buffer.from([0x80]), randomBytes(256)])
    expect(refusalOf(wireLine('ssh-rsa', [sshString('ssh-rsa'), sshString(Buffer.from([1, 0, 1])), sshString(negative)])).reason).toBe('sshKeys.malformed')
    const even = Buffer.concat([Buffer.from([0]), randomBytes(256)])
    expect(refusalOf(wireLine('ssh-rsa', [sshString('ssh-rsa'), sshString(Buffer.from([2])), sshString(even)])).reason).toBe('sshKeys.malformed')
  })

  it.each([
    ['OpenSSH', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'],
    ['PEM RSA', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----'],
    ['PKCS#8', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----'],
    ['encrypted PKCS#8', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHz\n-----END ENCRYPTED PRIVATE KEY-----'],
    ['EC', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----'],
    ['PuTTY', 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\n'],
    ['ssh.com', '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nP2/56wAAAi4AAAA3\n---- END SSH2 ENCRYPTED PRIVATE KEY ----'],
    ['an OpenSSH body without its header', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW'],
  ])('refuses a private key (%s) without repeating any of it', (_label, text) => {
    expect(looksLikePrivateKey(text)).toBe(true)
    const error = refusalOf(text)
    expect(error.reason).toBe('sshKeys.privateKey')
    expect(error.message).toMatch(/PRIVATE key.*\.pub/s)
    const serialized = JSON.stringify(error.toApiError())
    for (const piece of text.split(/\s+/).filter((word) => word.length >= 8)) expect(serialized).not.toContain(piece)
  })

  it('refuses a real private key file made by ssh-keygen', () => {
    const text = readFileSync(paths.get('ed25519')!, 'utf8')
    expect(refusalOf(text).reason).toBe('sshKeys.privateKey')
  })

  it.each([
    ['garbage', 'hello world, this is not a key', 'sshKeys.notAKey'],
    ['one word', 'garbage', 'sshKeys.notAKey'],
    ['empty', '  \n ', 'sshKeys.required'],
    ['two keys', 'LINE\nLINE', 'sshKeys.oneKeyOnly'],
    ['the type only', 'ssh-ed25519', 'sshKeys.noKeyData'],
    ['an unknown option', 'frobnicate ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA comment', 'sshKeys.unknownOption'],
    ['an unclosed quote', 'command="ls ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA comment', 'sshKeys.unclosedQuote'],
    ['an option missing its value', 'from ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA comment', 'sshKeys.badOptionValue'],
    ['a flag given a value', 'no-pty="1" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA comment', 'sshKeys.badOptionValue'],
    ['the SSH2 (RFC 4716) format', '---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3Nza\n---- END SSH2 PUBLIC KEY ----', 'sshKeys.rfc4716'],
  ])('refuses %s', (_label, text, reason) => {
    const line = ed25519()
    expect(refusalOf(text.replaceAll('LINE', line)).reason).toBe(reason)
  })
})
