import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../../queue/job-registry';
import { TokenService } from '../token.service';

/** Binds the session purge to its job; registered only where jobs run (worker, or inline mode). */
@Injectable()
export class PurgeSessionsProcessor implements OnModuleInit {
  private readonly logger = new Logger('PurgeSessions');

  constructor(
    private readonly registry: JobRegistry,
    private readonly tokens: TokenService,
  ) {}

  onModuleInit(): void {
    this.registry.register('purge-sessions', async () => {
      const purged = await this.tokens.purgeExpired();
      if (purged > 0) this.logger.log(`purged ${purged} refresh rows past their end`);
    });
  }
}
