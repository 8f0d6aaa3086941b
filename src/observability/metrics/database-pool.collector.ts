import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { Gauge } from 'prom-client';
import { DatabasePool } from '../../database/database-pool';
import { AppMetrics } from './app-metrics';

/** pg's pool behind TypeORM, read at scrape time: connections open, idle, and callers waiting for one. */
@Injectable()
export class DatabasePoolCollector implements OnModuleInit {
  constructor(
    private readonly metrics: AppMetrics,
    private readonly database: DatabasePool,
  ) {}

  onModuleInit(): void {
    const pool = () => this.database.pool;
    const gauge = (name: string, help: string, read: (p: Pool) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.metrics.registry],
        collect() {
          this.set(read(pool()));
        },
      });
    gauge('mindvault_db_pool_connections', 'Connections the database pool holds open', (p) => p.totalCount);
    gauge('mindvault_db_pool_idle_connections', 'Open connections not in use', (p) => p.idleCount);
    gauge('mindvault_db_pool_waiting_requests', 'Queries waiting for a free connection', (p) => p.waitingCount);
  }
}
