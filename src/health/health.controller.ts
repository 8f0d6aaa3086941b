import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/auth.decorators';
import { AppError } from '../common/errors/app-error';
import { ErrorBody } from '../common/errors/error-body';
import { SqlClient } from '../database/sql-client';
import { JobQueue } from '../queue/job-queue';
import { BlobStore } from '../storage/ports/blob-store';

class HealthDto {
  @ApiProperty({ example: 'ok' }) status: 'ok';
}

class ReadinessDto extends HealthDto {
  @ApiProperty({ example: { database: 'ok', blobStore: 'ok', queue: 'ok' } })
  checks: Record<string, 'ok' | 'down'>;
}

export class NotReady extends AppError {
  readonly status = 503;
  readonly code = 'NOT_READY';
  constructor(readonly checks: Record<string, 'ok' | 'down'>) {
    super(`not ready: ${Object.keys(checks).filter((k) => checks[k] === 'down').join(', ')} down`);
  }
  override extra() {
    return { checks: this.checks };
  }
}

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: SqlClient,
    private readonly blobs: BlobStore,
    private readonly queue: JobQueue,
  ) {}

  @Get()
  @ApiOkResponse({ type: HealthDto, description: 'liveness' })
  live(): HealthDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: 'NOT_READY, with `checks` naming what is down' })
  async ready(): Promise<ReadinessDto> {
    const probes = {
      database: () => this.db.execute('SELECT 1'),
      blobStore: () => this.blobs.ping(),
      queue: () => this.queue.ping(),
    };
    const entries = await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => [name, (await withTimeout(probe())) ? 'ok' : 'down'] as const),
    );
    const checks = Object.fromEntries(entries);
    if (entries.some(([, state]) => state === 'down')) throw new NotReady(checks);
    return { status: 'ok', checks };
  }
}

async function withTimeout(probe: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([probe.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
