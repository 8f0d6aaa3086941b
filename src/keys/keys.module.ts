import { Module } from '@nestjs/common';
import { TypeOrmAccountKeyLock } from './adapters/typeorm-account-key-lock';
import { KeyVersionGuard } from './key-version-guard.service';
import { AccountKeyLock } from './ports/account-key-lock';

/** The account-wide lock and keyVersion check every write of key material goes through. */
@Module({
  providers: [KeyVersionGuard, { provide: AccountKeyLock, useClass: TypeOrmAccountKeyLock }],
  exports: [KeyVersionGuard],
})
export class KeysModule {}
