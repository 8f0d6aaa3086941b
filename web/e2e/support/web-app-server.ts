import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTestApp, type TestApp, type TestAppOptions } from '../../../test/utils/create-test-app';

export const WEB_DIST_DIR = resolve('web/dist');
const SOURCES = [resolve('web/src'), resolve('web/index.html'), resolve('client/src')];

/** The real API (real PostgreSQL, fresh database) serving the built web app, on a free port. */
export async function startWebAppServer(options: TestAppOptions = {}): Promise<TestApp> {
  const index = join(WEB_DIST_DIR, 'index.html');
  if (!existsSync(index)) throw new Error(`no built web app at ${WEB_DIST_DIR}: run npm run build (npm install does it too)`);
  // NOTE: the suite's global set-up rebuilds dist/ when stale (spec files run in parallel, so none
  // builds it itself); a build older than its sources here means that step did not run.
  if (newestMtime(SOURCES) > statSync(index).mtimeMs) throw new Error('web/dist is older than its sources: run node scripts/build.mjs web');
  return createTestApp({ ...options, env: { WEB_DIST_DIR, ...options.env } });
}

function newestMtime(paths: string[]): number {
  let newest = 0;
  for (const path of paths) {
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(readdirSync(path).map((name) => join(path, name))) : stat.mtimeMs);
  }
  return newest;
}
