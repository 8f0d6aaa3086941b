import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { KeysModule } from '../keys/keys.module';
import { MindMapsModule } from '../mindmaps/mindmaps.module';
import { AccountsModule } from './accounts.module';
import { AuthController } from './auth.controller';
import { AuthKeyHasher } from './auth-key-hasher';
import { AuthService } from './auth.service';
import { AccessTokenGuard } from './guards/access-token.guard';

/** Registration, login, sessions and keys over HTTP, and the global access guard. */
@Module({
  imports: [
    AccountsModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => [{ ttl: 60_000, limit: config.auth.rateLimitPerMinute }],
    }),
    MindMapsModule,
    KeysModule,
  ],
  controllers: [AuthController],
  providers: [AuthService, AuthKeyHasher, { provide: APP_GUARD, useClass: AccessTokenGuard }],
  exports: [AccountsModule],
})
export class AuthModule {}
