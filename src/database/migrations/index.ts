import { InitialSchema1764057600000 } from './1764057600000-initial-schema';
import { BillingSharingAdmin1764144000000 } from './1764144000000-billing-sharing-admin';
import { SessionFamilies1764316800000 } from './1764316800000-session-families';
import { UploadReservations1764320400000 } from './1764320400000-upload-reservations';
import { InstallIdentity1765000000000 } from './1765000000000-install-identity';
import { VersionRetention1765100000000 } from './1765100000000-version-retention';
import { AccountDeletion1765200000000 } from './1765200000000-account-deletion';
import { SecondFactor1765200100000 } from './1765200100000-second-factor';
import { RecoveryKeys1765300000000 } from './1765300000000-recovery-keys';
import { Passkeys1765300100000 } from './1765300100000-passkeys';
import { LegacyEmailNormalForms1765400000000 } from './1765400000000-legacy-email-normal-forms';
import { RecordVersion1765500000000 } from './1765500000000-record-version';

/** Every migration, in order; the app and the CLI DataSource (ormconfig.ts) both read this list. */
export const MIGRATIONS = [
  InitialSchema1764057600000,
  BillingSharingAdmin1764144000000,
  SessionFamilies1764316800000,
  UploadReservations1764320400000,
  InstallIdentity1765000000000,
  VersionRetention1765100000000,
  AccountDeletion1765200000000,
  SecondFactor1765200100000,
  RecoveryKeys1765300000000,
  Passkeys1765300100000,
  LegacyEmailNormalForms1765400000000,
  RecordVersion1765500000000,
];
