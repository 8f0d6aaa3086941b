import type { ReconcileReport, ReconcileRun } from '../domain/reconcile-run';

/** The reconcile sweeps requested and what each reported. */
export abstract class ReconcileRunRepository {
  abstract insert(run: ReconcileRun): Promise<void>;
  abstract latest(): Promise<ReconcileRun | undefined>;
  abstract markRunning(id: string): Promise<void>;
  abstract finish(id: string, report: ReconcileReport): Promise<void>;
  abstract fail(id: string, error: string): Promise<void>;
}
