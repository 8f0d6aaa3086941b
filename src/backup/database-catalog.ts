import type { SessionQuery } from '../database/sql-client';
import { NOT_DUMPED } from './backup-archive';

/**
 * The application's tables (schema public) in an order that loads without breaking a foreign key:
 * every table after the tables it references. A cycle of foreign keys cannot be loaded this way
 * and stops the backup, naming the tables.
 */
export async function tablesInLoadOrder(query: SessionQuery): Promise<string[]> {
  const tables = (await query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`))
    .map((t) => t.name)
    .filter((name) => !NOT_DUMPED.has(name));
  const edges = await query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid`,
  );
  const ordered: string[] = [];
  const placed = new Set<string>();
  let remaining = tables;
  while (remaining.length > 0) {
    const ready = remaining.filter((t) => edges.every((e) => e.child !== t || placed.has(e.parent) || !tables.includes(e.parent)));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle between ${remaining.join(', ')}: the backup cannot order them`);
    for (const t of ready) placed.add(t);
    ordered.push(...ready);
    remaining = remaining.filter((t) => !placed.has(t));
  }
  return ordered;
}

/** Sets every sequence that feeds a column of `tables` past the column's largest value. */
export async function advanceSequences(query: SessionQuery, tables: string[]): Promise<void> {
  const columns = await query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_default LIKE 'nextval(%' AND table_name = ANY($1)`,
    [tables],
  );
  for (const { table_name, column_name } of columns) {
    await query(
      `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE((SELECT max(${quote(column_name)}) FROM ${quote(table_name)}), 0), 1), (SELECT count(*) > 0 FROM ${quote(table_name)}))`,
      [table_name, column_name],
    );
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
