import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { KeysteadError } from '../../src-main/services/errors.ts'
import { detectImageType, PICTURE_MAX_BYTES, processPicture } from '../../src-main/services/picture-pipeline.ts'

/** A solid image, left half red and right half blue, so a centre crop can be checked. */
async function makeImage(width: number, height: number, format: 'png' | 'jpeg' | 'webp' | 'gif'): Promise<Buffer> {
  const left = Math.floor(width / 2)
  const base = sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 255 } } })
  const red = await sharp({ create: { width: Math.max(left, 1), height, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer()
  return base.composite([{ input: red, left: 0, top: 0 }])[format]().toBuffer()
}

async function refusal(promise: Promise<unknown>): Promise<KeysteadError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(KeysteadError)
  return error as KeysteadError
}

describe('detectImageType', () => {
  it('knows the four formats by their first bytes', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'gif'] as const) {
      expect(detectImageType(await makeImage(8, 8, format))).toBe(format)
    }
  })

  it('refuses text, empty and near-miss headers', () => {
    expect(detectImageType(Buffer.from('hello, I am not a picture'))).toBeNull()
    expect(detectImageType(Buffer.alloc(0))).toBeNull()
    expect(detectImageType(Buffer.from('RIFF\0\0\0\0WAVE'))).toBeNull()
    expect(detectImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBeNull()
  })
})

describe('processPicture', () => {
  it('re-encodes every accepted format to a 256x256 WebP without metadata', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'gif'] as const) {
      const result = await processPicture(await makeImage(300, 200, format))
      expect(result.sourceType).toBe(format)
      const meta = await sharp(result.image).metadata()
      expect({ format: meta.format, width: meta.width, height: meta.height, exif: meta.exif }).toEqual({ format: 'webp', width: 256, height: 256, exif: undefined })
    }
  })

  it('centre-crops a wide image (both colours stay, split in the middle)', async () => {
    const result = await processPicture(await makeImage(1000, 250, 'png'))
    const { data, info } = await sharp(result.image).raw().toBuffer({ resolveWithObject: true })
    const pixel = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3))
    expect(pixel(10, 128)[0]).toBeGreaterThan(200) // red on the left
    expect(pixel(245, 128)[2]).toBeGreaterThan(200) // blue on the right
  })

  it('drops EXIF data such as a location', async () => {
    const withExif = await sharp(await makeImage(64, 64, 'jpeg')).withExif({ IFD0: { Copyright: 'secret place' } }).jpeg().toBuffer()
    expect((await sharp(withExif).metadata()).exif).toBeDefined()
    const result = await processPicture(withExif)
    expect((await sharp(result.image).metadata()).exif).toBeUndefined()
    expect(result.image.includes(Buffer.from('secret place'))).toBe(false)
  })

  it('refuses a text file whatever its name', async () => {
    const error = await refusal(processPicture(Buffer.from('this is a text file renamed picture.png\n')))
    expect(error).toMatchObject({ field: 'picture', reason: 'picture.unsupported' })
  })

  it('refuses a file over 5 MB before looking inside', async () => {
    const big = Buffer.alloc(6 * 1024 * 1024)
    ;(await makeImage(8, 8, 'png')).copy(big)
    const error = await refusal(processPicture(big))
    expect(error).toMatchObject({ reason: 'picture.tooLarge', params: { maxMegabytes: 5 } })
    expect(PICTURE_MAX_BYTES).toBe(5 * 1024 * 1024)
  })

  it('refuses 10000x10 from the header alone, and accepts 8000 on a side', async () => {
    const wide = await sharp({ create: { width: 10000, height: 10, channels: 3, background: '#888' } }).png().toBuffer()
    const started = performance.now()
    const error = await refusal(processPicture(wide))
    expect(error).toMatchObject({ reason: 'picture.tooManyPixels', params: { max: 8000, width: 10000, height: 10 } })
    expect(performance.now() - started).toBeLessThan(500)
    const edge = await sharp({ create: { width: 8000, height: 10, channels: 3, background: '#888' } }).png().toBuffer()
    expect((await processPicture(edge)).sourceWidth).toBe(8000)
  })

  it('refuses a damaged image with a clear reason', async () => {
    const png = await makeImage(64, 64, 'png')
    const error = await refusal(processPicture(png.subarray(0, 40)))
    expect(error.reason).toBe('picture.unreadable')
  })
})
