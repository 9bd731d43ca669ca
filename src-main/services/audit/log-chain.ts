import type { DB } from '../../db/database.ts'
import { writeTransaction } from '../../db/database.ts'
import { chainEntryHash, chainHeadMAC, isChainHeadMACValid } from '../../db/repositories/security-log-chain.ts'
import {
  countUnchainedSecurityLogRows,
  deleteSecurityLogRowsBefore,
  findSecurityLogHead,
  findSecurityLogRowBySeq,
  listSecurityLogChainSlice,
  listSecurityLogHeads,
  writeSecurityLogHead,
} from '../../db/repositories/security-log-repo.ts'
import type { SecurityLogHeadRow, SecurityLogRow } from '../../db/repositories/security-log-repo.ts'
import type { SecretBox } from '../secret-box.ts'
import { yieldToEventLoop } from '../slices.ts'
import type { SecurityLogChainBreak, SecurityLogVerification as ContractVerification } from '../../../src-preload/contract/audit.ts'

/** What the MAC key is derived for (HKDF info): never the data key itself. */
export const SECURITY_LOG_MAC_PURPOSE = 'keystead security-log chain head v1'

export function deriveSecurityLogMACKey(secretBox: Pick<SecretBox, 'deriveKey'>): Buffer {
  return secretBox.deriveKey(SECURITY_LOG_MAC_PURPOSE)
}

/**
 * A break in an account's chain, by position (`seq`, from 1), as the contract defines it:
 * changed (edited, replaced or moved), missing (gone from the middle), truncated (gone from the
 * end: the head says there were more), head (not Keystead's: MAC fails, missing, never sealed, or
 * names another last entry), extra (appended after the authenticated head), unchained (no position).
 */
export type { SecurityLogChainBreak }

/** The verdict on one account's log (the screen adds the first broken entry's name). */
export type SecurityLogVerification = Omit<ContractVerification, 'firstBroken'>

/** Feeds an account's entries in order of position and collects the breaks. */
function createChainChecker(head: SecurityLogHeadRow | undefined) {
  const breaks: SecurityLogChainBreak[] = []
  let expected = (head?.checkpoint_seq ?? 0) + 1
  let previous: Buffer | null = head?.checkpoint_hash ?? null
  let count = 0
  let lastSeq = head?.checkpoint_seq ?? 0
  const limit = head?.seq ?? Number.MAX_SAFE_INTEGER
  return {
    feed(row: SecurityLogRow): void {
      count++
      if (row.seq > limit) {
        const last = breaks.at(-1)
        if (last?.type === 'extra') last.count++
        else breaks.push({ type: 'extra', position: row.seq, count: 1, entryId: row.id })
      } else if (row.seq > expected) {
        breaks.push({ type: 'missing', position: expected, to: row.seq - 1 })
      } else if (previous === null || !chainEntryHash(previous, row).equals(row.hash ?? Buffer.alloc(0))) {
        const last = breaks.at(-1)
        if (last?.type === 'changed' && last.position + last.count === row.seq) last.count++
        else breaks.push({ type: 'changed', position: row.seq, count: 1, entryId: row.id })
      }
      previous = row.hash
      expected = row.seq + 1
      lastSeq = row.seq
    },
    finish(isHeadMACValid: boolean, unchained: number): SecurityLogVerification {
      if (head) {
        if (lastSeq < head.seq) breaks.push({ type: 'truncated', position: lastSeq + 1, to: head.seq })
        if (!head.mac) breaks.push({ type: 'head', position: head.seq, problem: 'unsealed' })
        else if (!isHeadMACValid) breaks.push({ type: 'head', position: head.seq, problem: 'mac' })
        else if (lastSeq === head.seq && previous !== null && !previous.equals(head.hash)) breaks.push({ type: 'head', position: head.seq, problem: 'hash' })
      } else if (count > 0) {
        breaks.push({ type: 'head', position: lastSeq, problem: 'missing' })
      }
      if (unchained > 0) breaks.push({ type: 'unchained', position: 0, count: unchained })
      breaks.sort((a, b) => a.position - b.position)
      return { isIntact: breaks.length === 0, count: count + unchained, headPosition: head?.seq ?? 0, breaks }
    },
  }
}

/** Rows read per query when verifying in one go (the command line). */
export const VERIFY_SLICE_ROWS = 5_000
/** Rows per slice in the app: a few milliseconds each, so the main process's event loop stays free. */
export const VERIFY_APP_SLICE_ROWS = 500

/** Verifies an account's chain in one go (command line, tests). */
export function verifySecurityLogChain(db: DB, macKey: Buffer, accountId: number): SecurityLogVerification {
  const head = findSecurityLogHead(db, accountId)
  const checker = createChainChecker(head)
  let after = 0
  for (;;) {
    const rows = listSecurityLogChainSlice(db, accountId, after, VERIFY_SLICE_ROWS)
    for (const row of rows) checker.feed(row)
    if (rows.length < VERIFY_SLICE_ROWS) break
    after = rows.at(-1)!.seq
  }
  return checker.finish(head ? isChainHeadMACValid(macKey, head) : false, countUnchainedSecurityLogRows(db, accountId))
}

/**
 * The same check in slices of VERIFY_APP_SLICE_ROWS with the event loop free between them (the app's
 * main process). Entries appended while it runs (after the head read at the start) are left for
 * the next check rather than taken for tampering.
 */
export async function verifySecurityLogChainInSlices(db: DB, macKey: Buffer, accountId: number): Promise<SecurityLogVerification> {
  const head = findSecurityLogHead(db, accountId)
  const checker = createChainChecker(head)
  const stopAt = head?.seq ?? Number.MAX_SAFE_INTEGER
  let after = 0
  for (;;) {
    const rows = listSecurityLogChainSlice(db, accountId, after, VERIFY_APP_SLICE_ROWS)
    let isDone = rows.length < VERIFY_APP_SLICE_ROWS
    for (const row of rows) {
      if (row.seq > stopAt) {
        // Past the head read at the start: appended since by a writer (then the head moved), or around it (then it did not).
        const current = findSecurityLogHead(db, accountId)
        if (current && head && current.seq !== head.seq) {
          isDone = true
          break
        }
      }
      checker.feed(row)
    }
    if (isDone) break
    after = rows.at(-1)!.seq
    await yieldToEventLoop()
  }
  return checker.finish(head ? isChainHeadMACValid(macKey, head) : false, countUnchainedSecurityLogRows(db, accountId))
}

/**
 * The retention rule's one way to drop old entries: removes an account's entries before position
 * `keepFromSeq` and records a signed checkpoint in the head (the last removed entry's position and
 * hash, under the head's MAC), so the check starts from there and raises no false alarm. Refused
 * (nothing changes) when the log does not verify first: a trim must not hide tampering.
 * Returns how many entries were removed.
 */
export function trimSecurityLogBefore(db: DB, macKey: Buffer, accountId: number, keepFromSeq: number): number {
  return writeTransaction(db, () => {
    const head = findSecurityLogHead(db, accountId)
    if (!head || keepFromSeq <= head.checkpoint_seq + 1) return 0
    if (keepFromSeq > head.seq) throw new Error('A trim keeps at least the newest entry')
    if (!verifySecurityLogChain(db, macKey, accountId).isIntact) throw new Error('The security log does not verify; it is not trimmed')
    const last = findSecurityLogRowBySeq(db, accountId, keepFromSeq - 1)!
    const removed = deleteSecurityLogRowsBefore(db, accountId, keepFromSeq)
    const next = { ...head, checkpoint_seq: last.seq, checkpoint_hash: last.hash }
    writeSecurityLogHead(db, next, chainHeadMAC(macKey, next))
    return removed
  })
}

/**
 * Authenticates heads the migration chained (they have no MAC: the migration has no key). Runs
 * only in the process that applied migration 0010, right after it: a head without a MAC found
 * later is a break, never sealed again.
 */
export function sealMigratedSecurityLogHeads(db: DB, macKey: Buffer): number {
  return writeTransaction(db, () => {
    let sealed = 0
    for (const head of listSecurityLogHeads(db)) {
      if (head.mac) continue
      writeSecurityLogHead(db, head, chainHeadMAC(macKey, head))
      sealed++
    }
    return sealed
  })
}

/**
 * Re-authenticates every chain head under another data key (a store restored onto another
 * computer, whose keyring holds a different key: issue 14's restore calls this). With the old
 * key, only heads that verify under it are carried over; a head that does not stays broken.
 * Without it, the restored file is taken as it is (its authenticity comes from the backup).
 * Returns how many heads now carry a MAC under the new key.
 */
export function resealSecurityLogHeads(
  db: DB,
  newKey: Pick<SecretBox, 'deriveKey'>,
  options: { oldKey?: Pick<SecretBox, 'deriveKey'>; /** Only these accounts' heads (a slice of a large store); default all. */ accountIds?: readonly number[] } = {},
): number {
  const macKey = deriveSecurityLogMACKey(newKey)
  const oldMACKey = options.oldKey ? deriveSecurityLogMACKey(options.oldKey) : null
  return writeTransaction(db, () => {
    let sealed = 0
    const heads = options.accountIds ? options.accountIds.flatMap((id) => findSecurityLogHead(db, id) ?? []) : listSecurityLogHeads(db)
    for (const head of heads) {
      const isCarried = oldMACKey ? isChainHeadMACValid(oldMACKey, head) : true
      writeSecurityLogHead(db, head, isCarried ? chainHeadMAC(macKey, head) : null)
      if (isCarried) sealed++
    }
    return sealed
  })
}
