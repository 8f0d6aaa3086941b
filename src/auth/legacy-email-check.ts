import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { normaliseEmail } from './domain/email-address';
import { UserRepository } from './ports/user.repository';

/** An account whose stored email is not in normal form: it was registered before normalisation. */
export interface LegacyEmailAccount {
  id: string;
  /** Every other account whose address has the same normal form (none, usually). */
  sharesNormalFormWith: string[];
}

/**
 * At start-up, names the accounts registered before emails were normalised whose stored address
 * is not in normal form, and those among them whose normal form another account holds. It changes
 * nothing: such an account keeps its address and signs in with it (emailLookupKeys looks the exact
 * address up first), and two accounts that normalise alike are never merged, renamed or deleted,
 * since each holds its own keys and data under its own password. The operator reads the warning
 * (account ids only: no address is logged). docs/api.md, "Accounts registered before normalisation".
 */
@Injectable()
export class LegacyEmailCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('LegacyEmails');

  constructor(private readonly users: UserRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    // Awaited: registration must know every older account's normal form before the API serves.
    // One query of the accounts with non-ASCII addresses; the report's lookups are not awaited.
    await this.record();
    void this.report().catch((error: unknown) => this.logger.error(`the check of emails registered before normalisation failed: ${String(error)}`));
  }

  async report(): Promise<LegacyEmailAccount[]> {
    const found = await this.find();
    if (found.length === 0) return found;
    const shared = found.filter((a) => a.sharesNormalFormWith.length > 0);
    this.logger.warn(
      `${found.length} account(s) registered before email normalisation keep their address as stored and sign in with it: ${found.map((a) => a.id).join(', ')}` +
        (shared.length > 0 ? `; their normal form is also another account's (never merged): ${shared.map((a) => `${a.id} ~ ${a.sharesNormalFormWith.join(' ~ ')}`).join('; ')}` : ''),
    );
    return found;
  }

  /**
   * Writes the normal form of every account whose stored address is not in normal form, which
   * registration refuses (docs/api.md, "Accounts registered before normalisation"). No account is
   * stored outside normal form since, so the list is complete once this has run after the upgrade.
   */
  async record(): Promise<void> {
    const rows = (await this.users.listNonAsciiEmails()).map((row) => ({ ...row, normal: normaliseEmail(row.email) }));
    await this.users.recordLegacyNormalForms(rows.filter((row) => row.normal !== row.email).map(({ id, normal }) => ({ id, normal })));
  }

  /** Only addresses outside printable ASCII can differ from their normal form (ASCII ones were always stored lower-cased). */
  async find(): Promise<LegacyEmailAccount[]> {
    const rows = (await this.users.listNonAsciiEmails()).map((row) => ({ ...row, normal: normaliseEmail(row.email) }));
    const legacy = rows.filter((row) => row.normal !== row.email);
    const out: LegacyEmailAccount[] = [];
    for (const account of legacy) {
      const holder = await this.users.findByEmail(account.normal);
      const others = new Set(rows.filter((row) => row.normal === account.normal).map((row) => row.id));
      if (holder) others.add(holder.id);
      others.delete(account.id);
      out.push({ id: account.id, sharesNormalFormWith: [...others] });
    }
    return out;
  }
}
