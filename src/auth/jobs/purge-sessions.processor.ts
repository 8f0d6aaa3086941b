import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../../queue/job-registry';
import { SecondFactorService } from '../../second-factor/second-factor.service';
import { TokenService } from '../token.service';

/** Binds the session purge (refresh rows, unfinished login challenges) to its job; registered only where jobs run (worker, or inline mode). */
@Injectable()
export class PurgeSessionsProcessor implements OnModuleInit {
  private readonly logger = new Logger('PurgeSessions');

  constructor(
    private readonly registry: JobRegistry,
    private readonly tokens: TokenService,
    private readonly secondFactor: SecondFactorService,
  ) {}

  onModuleInit(): void {
    this.registry.register('purge-sessions', async () => {
      const purged = await this.tokens.purgeExpired();
      if (purged > 0) this.logger.log(`purged ${purged} refresh rows past their end`);
      const challenges = await this.secondFactor.purgeExpiredChallenges();
      if (challenges > 0) this.logger.log(`purged ${challenges} unfinished second-factor login challenges`);
    });
  }
}
