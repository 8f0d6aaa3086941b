import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { AccountAdminService } from './account-admin.service';
import { AuthKeyHasher } from './auth-key-hasher';
import { CurrentAuthKeyCheck } from './current-auth-key';
import { TypeOrmRefreshTokenRepository } from './adapters/typeorm-refresh-token.repository';
import { TypeOrmUserRepository } from './adapters/typeorm-user.repository';
import { RefreshTokenRepository } from './ports/refresh-token.repository';
import { UserRepository } from './ports/user.repository';
import { TokenService } from './token.service';
import { RequestAuthenticator } from './guards/request-authenticator';

/**
 * Accounts and their tokens, with nothing of maps, storage or jobs: what the command line needs,
 * and what AuthModule's HTTP side builds on.
 */
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
  ],
  providers: [
    TokenService,
    AccountAdminService,
    AuthKeyHasher,
    CurrentAuthKeyCheck,
    RequestAuthenticator,
    { provide: UserRepository, useClass: TypeOrmUserRepository },
    { provide: RefreshTokenRepository, useClass: TypeOrmRefreshTokenRepository },
  ],
  exports: [TokenService, AccountAdminService, UserRepository, AuthKeyHasher, CurrentAuthKeyCheck, RequestAuthenticator],
})
export class AccountsModule {}
