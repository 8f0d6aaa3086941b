import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { KeysModule } from '../keys/keys.module';
import { MindMapsModule } from '../mindmaps/mindmaps.module';
import { AccountsModule } from './accounts.module';
import { AuthController } from './auth.controller';
import { AuthKeyHasher } from './auth-key-hasher';
import { AuthService } from './auth.service';
import { AccessTokenGuard } from './guards/access-token.guard';
import { RequestAuthenticator } from './guards/request-authenticator';

/** Registration, login, sessions and keys over HTTP, and the global access guard. */
@Module({
  imports: [
    AccountsModule,
    MindMapsModule,
    KeysModule,
  ],
  controllers: [AuthController],
  providers: [AuthService, AuthKeyHasher, RequestAuthenticator, { provide: APP_GUARD, useClass: AccessTokenGuard }],
  exports: [AccountsModule],
})
export class AuthModule {}
