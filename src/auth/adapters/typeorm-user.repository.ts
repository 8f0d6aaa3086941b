import { Injectable } from '@nestjs/common';
import { pgErrorOf, PG_UNIQUE_VIOLATION, SqlClient } from '../../database/sql-client';
import { EmailTaken } from '../auth.errors';
import type { AccessChange, AuthState, KdfParams, KeyBundle, User } from '../domain/user';
import { UserRepository } from '../ports/user.repository';
import { toUser, USER_COLUMNS, userParams, UserRow } from './user.mapper';

@Injectable()
export class TypeOrmUserRepository extends UserRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async create(user: User): Promise<void> {
    try {
      await this.db.execute(
        `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
        userParams({ ...user, email: user.email.toLowerCase() }),
      );
    } catch (error) {
      if (pgErrorOf(error, PG_UNIQUE_VIOLATION)) throw new EmailTaken();
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    await this.db.execute('DELETE FROM users WHERE id = $1', [id]);
  }

  async findById(id: string): Promise<User | undefined> {
    const row = await this.db.row<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return row && toUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const row = await this.db.row<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [email.toLowerCase()]);
    return row && toUser(row);
  }

  async findByAnyEmail(emails: readonly string[]): Promise<User | undefined> {
    const keys = emails.map((e) => e.toLowerCase());
    const row = await this.db.row<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = ANY($1::text[]) ORDER BY array_position($1::text[], email) LIMIT 1`, [keys]);
    return row && toUser(row);
  }

  listNonAsciiEmails(): Promise<{ id: string; email: string }[]> {
    return this.db.rows<{ id: string; email: string }>("SELECT id, email FROM users WHERE email ~ '[^ -~]' ORDER BY created_at, id");
  }

  async recordLegacyNormalForms(accounts: readonly { id: string; normal: string }[]): Promise<void> {
    if (accounts.length === 0) return;
    await this.db.execute(
      `INSERT INTO legacy_email_normal_forms (user_id, normal_email)
       SELECT * FROM unnest($1::uuid[], $2::text[])
       ON CONFLICT (user_id) DO UPDATE SET normal_email = EXCLUDED.normal_email`,
      [accounts.map((a) => a.id), accounts.map((a) => a.normal)],
    );
  }

  async isLegacyNormalForm(normal: string): Promise<boolean> {
    return (await this.db.row('SELECT 1 FROM legacy_email_normal_forms WHERE normal_email = $1 LIMIT 1', [normal])) !== undefined;
  }

  async findAuthState(id: string): Promise<AuthState | undefined> {
    return this.db.row<AuthState>('SELECT role, disabled, token_version AS "tokenVersion" FROM users WHERE id = $1', [id]);
  }

  async bumpTokenVersion(id: string): Promise<void> {
    await this.db.execute('UPDATE users SET token_version = token_version + 1, updated_at = now() WHERE id = $1', [id]);
  }

  async anyAdmin(): Promise<boolean> {
    return (await this.db.row("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1")) !== undefined;
  }

  async replaceKeys(id: string, keys: KeyBundle, keyVersion: number): Promise<void> {
    await this.db.execute(
      `UPDATE users SET classical_public_key = $2, pq_public_key = $3, classical_priv_encrypted = $4, pq_priv_encrypted = $5,
         key_version = $6, updated_at = now()
       WHERE id = $1`,
      [id, keys.classicalPublicKey, keys.pqPublicKey, keys.classicalPrivEncrypted, keys.pqPrivEncrypted, keyVersion],
    );
  }

  async updateAccess(id: string, access: AccessChange): Promise<void> {
    if (access.role === undefined && access.disabled === undefined) return;
    await this.db.execute(
      'UPDATE users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled), updated_at = now() WHERE id = $1',
      [id, access.role ?? null, access.disabled ?? null],
    );
  }

  async replacePassword(
    id: string,
    change: { authKeyHash: string; kdf: KdfParams; classicalPrivEncrypted: Buffer; pqPrivEncrypted: Buffer },
  ): Promise<void> {
    await this.db.execute(
      `UPDATE users SET auth_key_hash = $2, kdf_salt = $3, kdf_memory_kib = $4, kdf_iterations = $5, kdf_parallelism = $6,
         classical_priv_encrypted = $7, pq_priv_encrypted = $8, updated_at = now()
       WHERE id = $1`,
      [
        id,
        change.authKeyHash,
        change.kdf.salt,
        change.kdf.memoryKiB,
        change.kdf.iterations,
        change.kdf.parallelism,
        change.classicalPrivEncrypted,
        change.pqPrivEncrypted,
      ],
    );
  }
}
