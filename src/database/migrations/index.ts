import { InitialSchema1764057600000 } from './1764057600000-initial-schema';
import { BillingSharingAdmin1764144000000 } from './1764144000000-billing-sharing-admin';

/** Every migration, in order; the app and the CLI DataSource (ormconfig.ts) both read this list. */
export const MIGRATIONS = [InitialSchema1764057600000, BillingSharingAdmin1764144000000];
