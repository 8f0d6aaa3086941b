import { Module } from '@nestjs/common';
import { QueueModule } from '../../queue/queue.module';
import { MindMapsModule } from '../mindmaps.module';
import { PruneVersionsProcessor } from './prune-versions.processor';

/** The map processors; imported by the worker, and by the API only when jobs run in-process. */
@Module({
  imports: [MindMapsModule, QueueModule],
  providers: [PruneVersionsProcessor],
})
export class MindMapsJobsModule {}
