import { Injectable, Logger } from '@nestjs/common';
import { JobQueue } from '../../queue/job-queue';

/**
 * Asks the background to prune a map. Never fails the request that asked: the versions are
 * already safe, and the overdue sweep prunes the map once the queue answers again.
 */
@Injectable()
export class PruneScheduler {
  private readonly logger = new Logger('PruneScheduler');

  constructor(private readonly queue: JobQueue) {}

  async schedule(mapId: string): Promise<void> {
    await this.queue.enqueue('prune-versions', { mapId }).catch((error: unknown) => {
      this.logger.warn(`prune of map ${mapId} not queued: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
