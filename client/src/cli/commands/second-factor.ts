/** 2fa status | enable | confirm CODE | disable --code CODE: the TOTP second factor. */
import { parseArgs } from 'node:util';
import { renderUnicodeCompact } from 'uqr';
import type { CliContext } from '../context.js';
import { EXIT_OK, UsageError } from '../io.js';

export const secondFactorUsage =
  '2fa status | enable | confirm CODE | disable --code CODE   a TOTP second factor: enable shows the QR code, confirm turns it on and prints ten backup codes';

export async function secondFactor(args: string[], ctx: CliContext): Promise<number> {
  const { positionals, values } = parseArgs({ args, options: { code: { type: 'string' } }, allowPositionals: true, strict: true });
  const [action, code] = positionals;
  switch (action) {
    case 'status': {
      const { vault } = await ctx.unlock();
      try {
        const status = await vault.secondFactorStatus();
        ctx.io.out(status.totpEnabled ? `totp on, ${status.backupCodesLeft} backup code(s) left` : 'totp off');
      } finally {
        vault.lock();
      }
      return EXIT_OK;
    }
    case 'enable': {
      const password = await ctx.password('Password (to add a second factor): ');
      const { vault } = await ctx.unlock(password);
      try {
        const { secret, otpauthUri } = await vault.beginTotp(password);
        ctx.io.err(renderUnicodeCompact(otpauthUri));
        ctx.io.err('Scan this with an authenticator app, or type the secret in; then run `mindvault 2fa confirm CODE` with the code it shows.');
        ctx.io.out(`secret ${secret}`);
        ctx.io.out(`uri ${otpauthUri}`);
      } finally {
        vault.lock();
      }
      return EXIT_OK;
    }
    case 'confirm': {
      if (code === undefined) throw new UsageError('confirm needs the code the app shows');
      const { vault } = await ctx.unlock();
      try {
        const backupCodes = await vault.confirmTotp(code);
        ctx.io.err('Second factor on: every login now needs a code. Keep these backup codes somewhere safe; each works once and they are not shown again:');
        for (const backup of backupCodes) ctx.io.out(backup);
      } finally {
        vault.lock();
      }
      return EXIT_OK;
    }
    case 'disable': {
      if (values.code === undefined) throw new UsageError('disable needs --code (from the app, or a backup code)');
      const password = await ctx.password('Password (to remove the second factor): ');
      const { vault } = await ctx.unlock(password);
      try {
        await vault.disableTotp(password, values.code);
      } finally {
        vault.lock();
      }
      ctx.io.err('Second factor removed: logins need only the password again.');
      return EXIT_OK;
    }
    default:
      throw new UsageError(action === undefined ? 'say status, enable, confirm CODE or disable --code CODE' : `unknown action '${action}'`);
  }
}
