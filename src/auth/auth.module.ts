import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../admin/audit/audit.module';
import { BillingModule } from '../billing/billing.module';
import { AppConfig } from '../config/app-config';
import { EventsModule } from '../events/events.module';
import { KeysModule } from '../keys/keys.module';
import { MindMapsModule } from '../mindmaps/mindmaps.module';
import { SecondFactorModule } from '../second-factor/second-factor.module';
import { createRedisConnection } from '../queue/bullmq-connection';
import { AccountController } from './account.controller';
import { AccountDeletionService } from './account-deletion.service';
import { AccountsModule } from './accounts.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LegacyEmailCheck } from './legacy-email-check';
import { TypeOrmRecoveryKeys } from './adapters/typeorm-recovery-keys';
import { RecoveryKeys } from './ports/recovery-keys';
import { RecoveryController } from './recovery.controller';
import { RecoveryService } from './recovery.service';
import { AccessTokenGuard } from './guards/access-token.guard';
import { MemoryLoginAttempts } from './login-throttle/memory-login-attempts';
import { RedisLoginAttempts } from './login-throttle/redis-login-attempts';
import { LoginAttempts } from './ports/login-attempts';

/** Registration, login, sessions, keys, recovery and account deletion over HTTP, and the global access guard. */
@Module({
  imports: [
    AccountsModule,
    MindMapsModule,
    KeysModule,
    BillingModule,
    AuditModule,
    SecondFactorModule,
    EventsModule,
  ],
  controllers: [AuthController, AccountController, RecoveryController],
  providers: [
    AuthService,
    AccountDeletionService,
    RecoveryService,
    LegacyEmailCheck,
    { provide: RecoveryKeys, useClass: TypeOrmRecoveryKeys },
    {
      provide: LoginAttempts,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.queue.redisUrl
          ? new RedisLoginAttempts(createRedisConnection(config.queue.redisUrl, 'producer'), config.queue.prefix)
          : new MemoryLoginAttempts(),
    },
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [AccountsModule],
})
export class AuthModule {}
