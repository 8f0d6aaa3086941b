import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { KeysModule } from '../keys/keys.module';
import { MindMapsModule } from '../mindmaps/mindmaps.module';
import { AccountAdminService } from './account-admin.service';
import { TypeOrmRefreshTokenRepository } from './adapters/typeorm-refresh-token.repository';
import { TypeOrmUserRepository } from './adapters/typeorm-user.repository';
import { AuthController } from './auth.controller';
import { AuthKeyHasher } from './auth-key-hasher';
import { AuthService } from './auth.service';
import { AccessTokenGuard } from './guards/access-token.guard';
import { RefreshTokenRepository } from './ports/refresh-token.repository';
import { UserRepository } from './ports/user.repository';
import { TokenService } from './token.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // NOTE: a KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to
        // parse it as a PEM public key on every verify, which was a third of a GET's CPU time.
        secret: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')),
        signOptions: { algorithm: 'HS256', expiresIn: config.auth.accessTtlS },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => [{ ttl: 60_000, limit: config.auth.rateLimitPerMinute }],
    }),
    MindMapsModule,
    KeysModule,
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    AuthKeyHasher,
    AccountAdminService,
    { provide: UserRepository, useClass: TypeOrmUserRepository },
    { provide: RefreshTokenRepository, useClass: TypeOrmRefreshTokenRepository },
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [AccountAdminService, TokenService],
})
export class AuthModule {}
