import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { Passkey, Passkeys } from '../ports/passkeys';

interface PasskeyRow {
  credential_id: string;
  user_id: string;
  public_key: Buffer;
  counter: string;
  transports: string[];
  name: string;
  created_at: Date;
}

const COLUMNS = 'credential_id, user_id, public_key, counter, transports, name, created_at';

function toPasskey(row: PasskeyRow): Passkey {
  return { id: row.credential_id, userId: row.user_id, publicKey: row.public_key, counter: Number(row.counter), transports: row.transports, name: row.name, createdAt: row.created_at };
}

@Injectable()
export class TypeOrmPasskeys extends Passkeys {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async list(userId: string): Promise<Passkey[]> {
    return (await this.db.rows<PasskeyRow>(`SELECT ${COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at`, [userId])).map(toPasskey);
  }

  async find(userId: string, id: string): Promise<Passkey | undefined> {
    const row = await this.db.row<PasskeyRow>(`SELECT ${COLUMNS} FROM passkeys WHERE user_id = $1 AND credential_id = $2`, [userId, id]);
    return row && toPasskey(row);
  }

  async add(passkey: Omit<Passkey, 'createdAt'>): Promise<void> {
    await this.db.execute('INSERT INTO passkeys (credential_id, user_id, public_key, counter, transports, name) VALUES ($1, $2, $3, $4, $5, $6)', [
      passkey.id,
      passkey.userId,
      passkey.publicKey,
      passkey.counter,
      passkey.transports,
      passkey.name,
    ]);
  }

  async advanceCounter(id: string, counter: number): Promise<boolean> {
    // NOTE: authenticators without a counter always report 0; only a counter that moved backwards is refused.
    const result = await this.db.execute('UPDATE passkeys SET counter = $2 WHERE credential_id = $1 AND (counter < $2 OR (counter = 0 AND $2 = 0))', [id, counter]);
    return result.affected === 1;
  }

  async remove(userId: string, id: string): Promise<boolean> {
    return (await this.db.execute('DELETE FROM passkeys WHERE user_id = $1 AND credential_id = $2', [userId, id])).affected === 1;
  }

  async saveEnrolment(userId: string, challenge: string, expiresAt: Date): Promise<void> {
    await this.db.execute(
      `INSERT INTO passkey_enrolments (user_id, challenge, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET challenge = EXCLUDED.challenge, expires_at = EXCLUDED.expires_at`,
      [userId, challenge, expiresAt],
    );
  }

  async takeEnrolment(userId: string): Promise<string | undefined> {
    const row = await this.db.row<{ challenge: string }>('DELETE FROM passkey_enrolments WHERE user_id = $1 AND expires_at > now() RETURNING challenge', [userId]);
    return row?.challenge;
  }
}
