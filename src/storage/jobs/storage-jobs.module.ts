import { Module } from '@nestjs/common';
import { QueueModule } from '../../queue/queue.module';
import { ReconcileModule } from '../reconcile.module';
import { ReconcileStorageProcessor } from './reconcile-storage.processor';

/** The storage processors; imported by the worker, and by the API only when jobs run in-process. */
@Module({
  imports: [ReconcileModule, QueueModule],
  providers: [ReconcileStorageProcessor],
})
export class StorageJobsModule {}
