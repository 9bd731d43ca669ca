import type { DB } from '../database.ts'

export interface AccountPictureRow {
  account_id: number
  media_type: string
  image: Buffer
  updated_at: number
}

export function findAccountPicture(db: DB, accountId: number): AccountPictureRow | undefined {
  return db.prepare('SELECT * FROM account_pictures WHERE account_id = ?').get(accountId) as AccountPictureRow | undefined
}

export function upsertAccountPicture(db: DB, row: AccountPictureRow): void {
  db.prepare(
    `INSERT INTO account_pictures (account_id, media_type, image, updated_at) VALUES (@account_id, @media_type, @image, @updated_at)
     ON CONFLICT(account_id) DO UPDATE SET media_type = excluded.media_type, image = excluded.image, updated_at = excluded.updated_at`,
  ).run(row)
}

export function deleteAccountPicture(db: DB, accountId: number): boolean {
  return db.prepare('DELETE FROM account_pictures WHERE account_id = ?').run(accountId).changes > 0
}
