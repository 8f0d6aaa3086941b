import { InitialSchema1764057600000 } from './1764057600000-initial-schema';

/** Every migration, in order; the app and the CLI DataSource (ormconfig.ts) both read this list. */
export const MIGRATIONS = [InitialSchema1764057600000];
