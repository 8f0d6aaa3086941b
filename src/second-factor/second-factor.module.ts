import { Module } from '@nestjs/common';
import { AccountsModule } from '../auth/accounts.module';
import { TypeOrmLoginChallenges } from './adapters/typeorm-login-challenges';
import { TypeOrmPasskeys } from './adapters/typeorm-passkeys';
import { TypeOrmTotpFactors } from './adapters/typeorm-totp-factors';
import { PasskeyService } from './passkey.service';
import { Passkeys } from './ports/passkeys';
import { LoginChallenges } from './ports/login-challenges';
import { TotpFactors } from './ports/totp-factors';
import { SecondFactorController } from './second-factor.controller';
import { SecondFactorKeys } from './second-factor-keys';
import { SecondFactorService } from './second-factor.service';

/** The second factor (TOTP, passkeys): enrolment routes here, the login's second step through the exported service. */
@Module({
  imports: [AccountsModule],
  controllers: [SecondFactorController],
  providers: [
    SecondFactorService,
    SecondFactorKeys,
    PasskeyService,
    { provide: Passkeys, useClass: TypeOrmPasskeys },
    { provide: TotpFactors, useClass: TypeOrmTotpFactors },
    { provide: LoginChallenges, useClass: TypeOrmLoginChallenges },
  ],
  exports: [SecondFactorService],
})
export class SecondFactorModule {}
