import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { TransactionHost } from '../../database/transaction-host';
import { EmailTaken } from '../auth.errors';
import type { AuthState, KdfParams, KeyBundle, Role, User } from '../domain/user';
import { UserRepository } from '../ports/user.repository';
import { UserEntity } from './entities/user.entity';
import { toUser, toUserEntity } from './user.mapper';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class TypeOrmUserRepository extends UserRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get repo() {
    return this.tx.manager.getRepository(UserEntity);
  }

  async create(user: User): Promise<void> {
    try {
      await this.repo.insert(toUserEntity(user));
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new EmailTaken();
      }
      throw error;
    }
  }

  async findById(id: string): Promise<User | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e ? toUser(e) : undefined;
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const e = await this.repo.findOneBy({ email: email.toLowerCase() });
    return e ? toUser(e) : undefined;
  }

  async findAuthState(id: string): Promise<AuthState | undefined> {
    const rows = await this.tx.read<{ role: Role; disabled: boolean }>(
      'SELECT role, disabled FROM users WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  async anyAdmin(): Promise<boolean> {
    return this.repo.existsBy({ role: 'admin' });
  }

  async lockKeyVersion(id: string): Promise<number | undefined> {
    const rows: { key_version: number }[] = await this.tx.manager.query(
      'SELECT key_version FROM users WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0]?.key_version;
  }

  async replaceKeys(id: string, keys: KeyBundle, keyVersion: number): Promise<void> {
    await this.repo.update({ id }, { ...keys, keyVersion });
  }

  async updateAccess(id: string, access: Partial<AuthState>): Promise<void> {
    if (access.role === undefined && access.disabled === undefined) return;
    await this.repo.update(
      { id },
      {
        ...(access.role !== undefined ? { role: access.role } : {}),
        ...(access.disabled !== undefined ? { disabled: access.disabled } : {}),
      },
    );
  }

  async replacePassword(
    id: string,
    change: { authKeyHash: string; kdf: KdfParams; classicalPrivEncrypted: Buffer; pqPrivEncrypted: Buffer },
  ): Promise<void> {
    await this.repo.update(
      { id },
      {
        authKeyHash: change.authKeyHash,
        kdfSalt: change.kdf.salt,
        kdfMemoryKiB: change.kdf.memoryKiB,
        kdfIterations: change.kdf.iterations,
        kdfParallelism: change.kdf.parallelism,
        classicalPrivEncrypted: change.classicalPrivEncrypted,
        pqPrivEncrypted: change.pqPrivEncrypted,
      },
    );
  }
}
