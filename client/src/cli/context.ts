/**
 * What every command shares: the config directory, the server URL, an API client whose tokens
 * live in the config file, and unlocking the account's keys from the password.
 */
import { MindvaultApi } from '../api/mindvault-api.js';
import { INSECURE_TEST_KDF_POLICY } from '../crypto/kdf.js';
import { Vault, type VaultOptions } from '../vault/vault.js';
import { type CliConfig, configDir, ConfigStore, ConfigTokenStore } from './config.js';
import { CliError, type CliIo } from './io.js';
import { FileDeviceStateStore } from './state-file.js';

export const DEFAULT_SERVER = 'http://localhost:3000';

/**
 * Environment variables the CLI reads. Only MINDVAULT_INSECURE_TEST_KDF weakens anything, and it
 * says so on every run.
 */
export const ENV = {
  configDir: 'MINDVAULT_CONFIG_DIR',
  server: 'MINDVAULT_SERVER',
  email: 'MINDVAULT_EMAIL',
  password: 'MINDVAULT_PASSWORD',
  newPassword: 'MINDVAULT_NEW_PASSWORD',
  totpCode: 'MINDVAULT_TOTP_CODE',
  recoveryWords: 'MINDVAULT_RECOVERY_WORDS',
  backupPassword: 'MINDVAULT_BACKUP_PASSWORD',
  insecureTestKdf: 'MINDVAULT_INSECURE_TEST_KDF',
} as const;

/** Tiny Argon2id cost, accepted only with MINDVAULT_INSECURE_TEST_KDF=1 (test suites). */
const INSECURE_TEST_KDF: VaultOptions = {
  kdfCost: { memoryKiB: 256, iterations: 1, parallelism: 1 },
  policy: INSECURE_TEST_KDF_POLICY,
};

export class CliContext {
  readonly config: ConfigStore;
  readonly tokens: ConfigTokenStore;
  /** What this device has seen of each account (rollback detection), beside config.json. */
  readonly state: FileDeviceStateStore;
  private warned = false;

  constructor(readonly io: CliIo) {
    this.config = new ConfigStore(configDir(this.env));
    this.tokens = new ConfigTokenStore(this.config);
    this.state = new FileDeviceStateStore(this.config.dir);
  }

  get env(): Readonly<Record<string, string | undefined>> {
    return this.io.env ?? {};
  }

  /** --server, else MINDVAULT_SERVER, else the config's, else localhost:3000. */
  serverUrl(config: CliConfig, flag?: string): string {
    return (flag ?? this.env[ENV.server] ?? config.server ?? DEFAULT_SERVER).replace(/\/+$/, '');
  }

  api(server: string): MindvaultApi {
    return new MindvaultApi({
      baseUrl: server,
      tokens: this.tokens,
      // Node's fetch sends a streamed body with the Content-Length we set: real upload progress.
      streamUploads: true,
      ...(this.io.fetch ? { fetch: this.io.fetch } : {}),
    });
  }

  vaultOptions(): VaultOptions {
    if (this.env[ENV.insecureTestKdf] !== '1') return { state: this.state };
    if (!this.warned) {
      this.io.err(`mindvault: WARNING ${ENV.insecureTestKdf}=1: trivial Argon2id cost, for test suites only`);
      this.warned = true;
    }
    return { ...INSECURE_TEST_KDF, state: this.state };
  }

  /** The logged-in session's API client and unlocked keys; the password is asked for (or read from the env). */
  async unlock(knownPassword?: string): Promise<{ config: CliConfig; vault: Vault }> {
    const config = await this.config.load();
    if (config.session === undefined) throw new CliError('not logged in: run `mindvault login` (or `mindvault register`)');
    const api = this.api(this.serverUrl(config));
    const password = knownPassword ?? (await this.password(`Password for ${config.session.email}: `));
    return { config, vault: await Vault.unlock(api, { email: config.session.email, password }, this.vaultOptions()) };
  }

  /** MINDVAULT_PASSWORD, else a prompt on the terminal. */
  async password(prompt: string, variable: string = ENV.password, options: { confirm?: boolean } = {}): Promise<string> {
    const fromEnv = this.env[variable];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    if (this.io.promptSecret === undefined) {
      throw new CliError(`no password: set ${variable} or run in a terminal`);
    }
    const password = await this.io.promptSecret(prompt);
    if (password === '') throw new CliError('empty password');
    if (options.confirm && (await this.io.promptSecret('Repeat it: ')) !== password) {
      throw new CliError('the passwords differ');
    }
    return password;
  }

  /**
   * A second-factor code for a login that needs one: --code, else MINDVAULT_TOTP_CODE (only for the
   * first try: a rejected one is not sent again), else a prompt on the terminal.
   */
  secondFactor(flag?: string): () => Promise<string> {
    let given = flag ?? this.env[ENV.totpCode];
    return async () => {
      if (given !== undefined && given !== '') {
        const code = given;
        given = undefined;
        return code;
      }
      if (this.io.promptSecret === undefined) {
        throw new CliError(`this account has a second factor: pass --code or set ${ENV.totpCode} (a code from the app, or a backup code)`);
      }
      return this.io.promptSecret('Code from the authenticator app (or a backup code): ');
    };
  }

  email(flag?: string): string {
    const email = flag ?? this.env[ENV.email];
    if (email === undefined || email === '') throw new CliError(`no email: pass --email or set ${ENV.email}`);
    return email;
  }
}
