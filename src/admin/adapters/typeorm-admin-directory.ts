import { Injectable } from '@nestjs/common';
import type { Role } from '../../auth/domain/user';
import { SqlClient } from '../../database/sql-client';
import { AdminDirectory, SystemTotals, UserOverview } from '../ports/admin-directory';

interface OverviewRow {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  usage_bytes: string;
  map_count: string;
  two_factor: boolean;
}

const OVERVIEW = `
  SELECT u.id, u.email, u.role, u.disabled, u.created_at,
         COALESCE(uu.usage_bytes, 0) AS usage_bytes,
         (SELECT count(*) FROM mind_maps m WHERE m.owner_id = u.id) AS map_count,
         (EXISTS (SELECT 1 FROM totp_factors f WHERE f.user_id = u.id AND f.enabled_at IS NOT NULL) OR EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = u.id)) AS two_factor
  FROM users u LEFT JOIN user_usage uu ON uu.user_id = u.id`;

/**
 * NOTE: one query across the users, usage and maps tables (their modules' data) rather than a
 * service call per listed user: this is a read-only projection for administrators.
 */
@Injectable()
export class TypeOrmAdminDirectory extends AdminDirectory {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async listUsers(emailPrefix: string, limit: number, afterEmail?: string): Promise<UserOverview[]> {
    const rows = await this.db.rows<OverviewRow>(
      `${OVERVIEW}
       WHERE u.email LIKE $1 || '%' ESCAPE '\\' AND ($2::text IS NULL OR u.email > $2)
       ORDER BY u.email LIMIT $3`,
      [escapeLike(emailPrefix.toLowerCase()), afterEmail ?? null, limit],
    );
    return rows.map(toOverview);
  }

  async findUser(id: string): Promise<UserOverview | undefined> {
    const rows = await this.db.rows<OverviewRow>(`${OVERVIEW} WHERE u.id = $1`, [id]);
    return rows[0] && toOverview(rows[0]);
  }

  async totals(): Promise<SystemTotals> {
    const rows = await this.db.rows<{ users: string; maps: string; versions: string; stored_bytes: string }>(
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM mind_maps) AS maps,
              (SELECT count(*) FROM map_versions) AS versions,
              (SELECT COALESCE(sum(size_bytes), 0) FROM map_versions) AS stored_bytes`,
    );
    const r = rows[0];
    return { users: Number(r.users), maps: Number(r.maps), versions: Number(r.versions), storedBytes: Number(r.stored_bytes) };
  }
}

/** A prefix search must match `%` and `_` literally. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toOverview(r: OverviewRow): UserOverview {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    disabled: r.disabled,
    createdAt: r.created_at,
    usageBytes: Number(r.usage_bytes),
    mapCount: Number(r.map_count),
    twoFactor: r.two_factor,
  };
}
