import { Module, OnModuleInit } from '@nestjs/common';
import { QueueModule } from '../../queue/queue.module';
import { StorageModule } from '../../storage/storage.module';
import { DatabasePool } from '../../database/database-pool';
import { DiagnosticsController } from './diagnostics.controller';
import { DiagnosticsService } from './diagnostics.service';
import { timeQueries } from './query-timing';

/**
 * DIAGNOSTICS_ENABLED=true only (imported by AppModule then): the admin diagnostics route and the
 * measurements behind Server-Timing (the header itself is set by addServerTiming).
 */
@Module({
  imports: [QueueModule, StorageModule],
  controllers: [DiagnosticsController],
  providers: [DiagnosticsService],
})
export class DiagnosticsModule implements OnModuleInit {
  constructor(private readonly database: DatabasePool) {}

  onModuleInit(): void {
    timeQueries(this.database.pool);
  }
}
