import type { Role } from '../../auth/domain/user';

/** A user as the admin console lists them: account, stored bytes and map count. */
export interface UserOverview {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  usageBytes: number;
  mapCount: number;
  /** Whether a second factor is enabled: that it is, never anything of it. */
  twoFactor: boolean;
}

export interface SystemTotals {
  users: number;
  maps: number;
  versions: number;
  /** Bytes of every stored version. */
  storedBytes: number;
}

/**
 * The admin console's read model over users, maps, versions and usage. Read-only: every change
 * goes through the owning module's service.
 */
export abstract class AdminDirectory {
  /** Users whose email starts with `emailPrefix`, in email order, after `afterEmail`; at most `limit`. */
  abstract listUsers(emailPrefix: string, limit: number, afterEmail?: string): Promise<UserOverview[]>;
  abstract findUser(id: string): Promise<UserOverview | undefined>;
  abstract totals(): Promise<SystemTotals>;
}
