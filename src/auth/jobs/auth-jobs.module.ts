import { Module } from '@nestjs/common';
import { QueueModule } from '../../queue/queue.module';
import { SecondFactorModule } from '../../second-factor/second-factor.module';
import { AccountsModule } from '../accounts.module';
import { PurgeSessionsProcessor } from './purge-sessions.processor';

/** The session processors; imported by the worker, and by the API only when jobs run in-process. */
@Module({
  imports: [AccountsModule, QueueModule, SecondFactorModule],
  providers: [PurgeSessionsProcessor],
})
export class AuthJobsModule {}
