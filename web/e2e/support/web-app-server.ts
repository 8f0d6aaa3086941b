import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTestApp, type TestApp, type TestAppOptions } from '../../../test/utils/create-test-app';

export const WEB_DIST_DIR = resolve('web/dist');

/** The real API (real PostgreSQL, fresh database) serving the built web app, on a free port. */
export async function startWebAppServer(options: TestAppOptions = {}): Promise<TestApp> {
  if (!existsSync(resolve(WEB_DIST_DIR, 'index.html'))) {
    throw new Error(`no built web app at ${WEB_DIST_DIR}: run npm run build (npm install does it too)`);
  }
  return createTestApp({ ...options, env: { WEB_DIST_DIR, ...options.env } });
}
