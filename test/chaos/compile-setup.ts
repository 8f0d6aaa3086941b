import { compileApp } from '../utils/app-process';

/** The chaos suites run the API and worker as child processes: build them once for the whole run. */
export default async function setup(): Promise<void> {
  await compileApp();
}
