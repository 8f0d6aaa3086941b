import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { LoginChallenges } from '../ports/login-challenges';

@Injectable()
export class TypeOrmLoginChallenges extends LoginChallenges {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async open(tokenHash: Buffer, userId: string, expiresAt: Date): Promise<void> {
    await this.db.execute('DELETE FROM login_challenges WHERE user_id = $1 AND expires_at <= now()', [userId]);
    await this.db.execute('INSERT INTO login_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [tokenHash, userId, expiresAt]);
  }

  async userOf(tokenHash: Buffer): Promise<string | undefined> {
    const row = await this.db.row<{ user_id: string }>('SELECT user_id FROM login_challenges WHERE token_hash = $1 AND expires_at > now()', [tokenHash]);
    return row?.user_id;
  }

  async recordFailure(tokenHash: Buffer, maxFailures: number): Promise<void> {
    await this.db.execute('UPDATE login_challenges SET failures = failures + 1 WHERE token_hash = $1', [tokenHash]);
    await this.db.execute('DELETE FROM login_challenges WHERE token_hash = $1 AND failures >= $2', [tokenHash, maxFailures]);
  }

  async setPasskeyChallenge(tokenHash: Buffer, challenge: string): Promise<void> {
    await this.db.execute('UPDATE login_challenges SET passkey_challenge = $2 WHERE token_hash = $1 AND expires_at > now()', [tokenHash, challenge]);
  }

  async passkeyChallengeOf(tokenHash: Buffer): Promise<string | undefined> {
    const row = await this.db.row<{ passkey_challenge: string | null }>('SELECT passkey_challenge FROM login_challenges WHERE token_hash = $1 AND expires_at > now()', [tokenHash]);
    return row?.passkey_challenge ?? undefined;
  }

  async purgeExpired(): Promise<number> {
    return (await this.db.execute('DELETE FROM login_challenges WHERE expires_at <= now()')).affected;
  }

  async consume(tokenHash: Buffer): Promise<boolean> {
    const result = await this.db.execute('DELETE FROM login_challenges WHERE token_hash = $1 AND expires_at > now()', [tokenHash]);
    return result.affected === 1;
  }
}
