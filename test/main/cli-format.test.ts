import { describe, expect, it } from 'vitest'
import { csvField, formatLogCsv } from '../../src-main/cli/commands/records.ts'
import { formatTable } from '../../src-main/cli/runtime.ts'

describe('CLI text formats', () => {
  it('quotes CSV fields per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`)
    expect(csvField('+1')).toBe("'+1")
    expect(csvField('@cmd')).toBe("'@cmd")
  })

  it('writes the log as CSV with a header and CRLF line ends', () => {
    const csv = formatLogCsv([{ id: 7, at: '2026-11-23T12:00:00.000Z', kind: 'signin', sessionId: 's1', device: 'CLI on Linux', detail: { origin: 'cli' } }])
    expect(csv).toBe('id,at,kind,sessionId,device,detail\r\n7,2026-11-23T12:00:00.000Z,signin,s1,CLI on Linux,"{""origin"":""cli""}"\r\n')
  })

  it('aligns text tables by column', () => {
    expect(formatTable(['A', 'LONG'], [['xyz', '1'], ['q', '22']])).toBe('A    LONG\nxyz  1\nq    22')
  })
})
