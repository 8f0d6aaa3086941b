import type { Pool } from 'pg';

/** One column of one row that holds the searched value. */
export interface Mention {
  table: string;
  column: string;
}

/**
 * Every table column in the schema (text, uuid, json, bytea as text excluded) whose value
 * contains `needle`, case-insensitively: what "no row of the user is left" means, checked over the
 * whole schema rather than a list of tables a new migration could outgrow.
 */
export async function rowsMentioning(pool: Pool, needle: string): Promise<Mention[]> {
  const columns = await pool.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('uuid', 'text', 'character varying', 'jsonb', 'json')
       AND table_name NOT IN ('migrations', 'typeorm_metadata')
     ORDER BY table_name, column_name`,
  );
  const found: Mention[] = [];
  for (const { table_name: table, column_name: column } of columns.rows) {
    const hit = await pool.query(`SELECT 1 FROM "${table}" WHERE "${column}"::text ILIKE '%' || $1 || '%' LIMIT 1`, [needle]);
    if (hit.rowCount) found.push({ table, column });
  }
  return found;
}
