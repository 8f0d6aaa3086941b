import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import type { ReconcileReport, ReconcileRun, ReconcileStatus } from '../domain/reconcile-run';
import { ReconcileRunRepository } from '../ports/reconcile-run.repository';

interface RunRow {
  id: string;
  requested_by: string | null;
  status: ReconcileStatus;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  report: ReconcileReport | null;
  error: string | null;
}

const COLUMNS = 'id, requested_by, status, requested_at, started_at, finished_at, report, error';

@Injectable()
export class TypeOrmReconcileRunRepository extends ReconcileRunRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async insert(run: ReconcileRun): Promise<void> {
    await this.db.execute(
      'INSERT INTO reconcile_runs (id, requested_by, status, requested_at) VALUES ($1, $2, $3, $4)',
      [run.id, run.requestedBy, run.status, run.requestedAt],
    );
  }

  async latest(): Promise<ReconcileRun | undefined> {
    const rows = await this.db.rows<RunRow>(
      `SELECT ${COLUMNS} FROM reconcile_runs ORDER BY requested_at DESC LIMIT 1`,
    );
    return rows[0] && toRun(rows[0]);
  }

  async markRunning(id: string): Promise<void> {
    await this.db.execute(
      `UPDATE reconcile_runs SET status = 'running', started_at = now(), error = NULL WHERE id = $1`,
      [id],
    );
  }

  async finish(id: string, report: ReconcileReport): Promise<void> {
    await this.db.execute(
      `UPDATE reconcile_runs SET status = 'done', finished_at = now(), report = $2 WHERE id = $1`,
      [id, JSON.stringify(report)],
    );
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db.execute(
      `UPDATE reconcile_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`,
      [id, error],
    );
  }
}

function toRun(r: RunRow): ReconcileRun {
  return {
    id: r.id,
    requestedBy: r.requested_by,
    status: r.status,
    requestedAt: r.requested_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    report: r.report,
    error: r.error,
  };
}
