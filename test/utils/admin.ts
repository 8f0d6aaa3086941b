import type { TestUser } from './api';
import type { TestApp } from './create-test-app';

/** Makes `user` an administrator straight in the database, as the operator's CLI would. */
export async function makeAdmin(t: TestApp, user: TestUser): Promise<void> {
  await t.db.pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.userId]);
}
