import sharp from 'sharp'
import type { Metadata } from 'sharp'
import { validationError } from './errors.ts'

/**
 * The profile-picture pipeline: the type is decided by the file's first bytes (never its name),
 * the size and the header's dimensions are checked before anything is decoded, and only a
 * freshly encoded 256x256 WebP (centre-cropped, EXIF and other metadata dropped) is kept.
 */
export const PICTURE_MAX_BYTES = 5 * 1024 * 1024
export const PICTURE_MAX_SIDE = 8000
export const PICTURE_SIZE = 256
export const PICTURE_MEDIA_TYPE = 'image/webp'

export const ImageType = Object.freeze({ PNG: 'png', JPEG: 'jpeg', WebP: 'webp', GIF: 'gif' } as const)
export type ImageType = (typeof ImageType)[keyof typeof ImageType]

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return bytes.length >= offset + signature.length && signature.every((value, index) => bytes[offset + index] === value)
}

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0))

/** PNG, JPEG, WebP or GIF by magic bytes; null for anything else. */
export function detectImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return ImageType.PNG
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return ImageType.JPEG
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return ImageType.GIF
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return ImageType.WebP
  return null
}

function unsupportedError(): Error {
  return validationError('picture', 'picture.unsupported', 'This file is not a PNG, JPEG, WebP or GIF image.')
}

function unreadableError(): Error {
  return validationError('picture', 'picture.unreadable', 'This image could not be read; it may be damaged.')
}

/** Refuses early, before reading a file, when its size alone is too much. */
export function checkPictureFileSize(sizeBytes: number): void {
  if (sizeBytes > PICTURE_MAX_BYTES) {
    throw validationError('picture', 'picture.tooLarge', 'The picture is larger than 5 MB.', { maxMegabytes: PICTURE_MAX_BYTES / (1024 * 1024) })
  }
  if (sizeBytes === 0) throw unsupportedError()
}

export interface ProcessedPicture {
  mediaType: typeof PICTURE_MEDIA_TYPE
  image: Buffer
  sourceType: ImageType
  sourceWidth: number
  sourceHeight: number
}

export async function processPicture(bytes: Buffer): Promise<ProcessedPicture> {
  checkPictureFileSize(bytes.length)
  const sourceType = detectImageType(bytes)
  if (!sourceType) throw unsupportedError()

  // metadata() reads the header only: a 10000x10 image is refused without being decoded.
  let metadata: Metadata
  try {
    metadata = await sharp(bytes, { failOn: 'error' }).metadata()
  } catch {
    throw unreadableError()
  }
  if (metadata.format !== sourceType || !metadata.width || !metadata.height) throw unreadableError()
  if (metadata.width > PICTURE_MAX_SIDE || metadata.height > PICTURE_MAX_SIDE) {
    throw validationError('picture', 'picture.tooManyPixels', `The picture is larger than ${PICTURE_MAX_SIDE} pixels on a side.`, {
      max: PICTURE_MAX_SIDE,
      width: metadata.width,
      height: metadata.height,
    })
  }

  try {
    const image = await sharp(bytes, { failOn: 'error', limitInputPixels: PICTURE_MAX_SIDE * PICTURE_MAX_SIDE, pages: 1 })
      .rotate() // follow the EXIF orientation, then drop all metadata (sharp keeps none by default)
      .resize(PICTURE_SIZE, PICTURE_SIZE, { fit: 'cover', position: 'centre' })
      .webp({ quality: 85 })
      .toBuffer()
    return { mediaType: PICTURE_MEDIA_TYPE, image, sourceType, sourceWidth: metadata.width, sourceHeight: metadata.height }
  } catch {
    throw unreadableError()
  }
}

export function toDataURL(mediaType: string, image: Buffer): string {
  return `data:${mediaType};base64,${image.toString('base64')}`
}
