import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { InstallIdentity } from '../ports/install-identity';

@Injectable()
export class TypeOrmInstallIdentity extends InstallIdentity {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async installId(): Promise<string> {
    // Insert if absent, then read: a process that lost the race inserts nothing and reads the
    // winner's row (a RETURNING in the same statement could not see a row committed meanwhile).
    await this.db.execute('INSERT INTO install_identity (install_id) VALUES ($1) ON CONFLICT (singleton) DO NOTHING', [randomUUID()]);
    const row = await this.db.row<{ install_id: string }>('SELECT install_id FROM install_identity');
    return row!.install_id;
  }
}
