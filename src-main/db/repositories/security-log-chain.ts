import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/** The "previous hash" of an account's first entry. */
export const CHAIN_GENESIS_HASH: Buffer = Buffer.alloc(32)

/** The fields of an entry that its hash covers (the row id is not: positions are `seq`). */
export interface ChainedContent {
  account_id: number
  seq: number
  at: number
  kind: string
  session_id: string | null
  device: string
  detail: string
}

/** The canonical text of an entry: a JSON array of its fields in a fixed order (unambiguous, any characters). */
export function canonicalEntryContent(row: ChainedContent): string {
  return JSON.stringify([row.account_id, row.seq, row.at, row.kind, row.session_id, row.device, row.detail])
}

/** SHA-256(previous hash || canonical content). */
export function chainEntryHash(previous: Buffer, row: ChainedContent): Buffer {
  return createHash('sha256').update(previous).update(canonicalEntryContent(row), 'utf8').digest()
}

export interface ChainHead {
  account_id: number
  seq: number
  hash: Buffer
  checkpoint_seq: number
  checkpoint_hash: Buffer
}

/** The HMAC-SHA-256 over a head: account, sequence, hash and the retention checkpoint. */
export function chainHeadMAC(macKey: Buffer, head: ChainHead): Buffer {
  return createHmac('sha256', macKey)
    .update(`keystead-security-log-head-v1|${head.account_id}|${head.seq}|${head.checkpoint_seq}|`)
    .update(head.hash)
    .update(head.checkpoint_hash)
    .digest()
}

export function isChainHeadMACValid(macKey: Buffer, head: ChainHead & { mac: Buffer | null }): boolean {
  if (!head.mac || head.mac.length !== 32) return false
  return timingSafeEqual(chainHeadMAC(macKey, head), head.mac)
}
