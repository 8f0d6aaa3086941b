import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../../queue/job-registry';
import { PruneVersionsService } from './prune-versions.service';

/** Binds the prune jobs to their service; registered only where jobs run (worker, or inline mode). */
@Injectable()
export class PruneVersionsProcessor implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly pruner: PruneVersionsService,
  ) {}

  onModuleInit(): void {
    this.registry.register('prune-versions', async ({ mapId }) => {
      await this.pruner.prune(mapId);
    });
    this.registry.register('prune-overdue', async () => {
      await this.pruner.pruneOverdue();
    });
    this.registry.register('thin-due', async () => {
      await this.pruner.thinDue();
    });
  }
}
