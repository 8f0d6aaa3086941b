/** /api/auth: prelogin, register, login, logout, keys, rotation, password change, recovery, account deletion. */
import type { HttpClient } from './http-client.js';
import type { JsonBody, Schemas, TokenPair } from './schema.js';

export class AuthApi {
  constructor(private readonly http: HttpClient) {}

  /** The account's KDF parameters; a stable fake for an unknown email. */
  async prelogin(email: string): Promise<Schemas['KdfParamsDto']> {
    const { kdf } = await this.http.call('post', '/api/auth/prelogin', { auth: false, body: { email } });
    return kdf;
  }

  /** Creates the account and adopts the session it opens. */
  async register(body: JsonBody<'/api/auth/register', 'post'>): Promise<TokenPair> {
    return this.adopt(await this.http.call('post', '/api/auth/register', { auth: false, body }));
  }

  async login(body: JsonBody<'/api/auth/login', 'post'>): Promise<TokenPair> {
    return this.adopt(await this.http.call('post', '/api/auth/login', { auth: false, body }));
  }

  /** Revokes the refresh token's family on the server and forgets the pair here. */
  async logout(): Promise<void> {
    const tokens = await this.http.tokens();
    try {
      if (tokens !== undefined) {
        await this.http.call('post', '/api/auth/logout', { auth: false, body: { refreshToken: tokens.refreshToken } });
      }
    } finally {
      await this.http.setTokens(undefined);
    }
  }

  keys(): Promise<Schemas['KeyBundleResponseDto']> {
    return this.http.call('get', '/api/auth/keys', {});
  }

  rotateKeys(body: JsonBody<'/api/auth/keys', 'put'>): Promise<Schemas['KeyBundleResponseDto']> {
    return this.http.call('put', '/api/auth/keys', { body });
  }

  /** The server signs out every other session and answers with this one's fresh pair. */
  async changePassword(body: JsonBody<'/api/auth/password', 'put'>): Promise<TokenPair> {
    return this.adopt(await this.http.call('put', '/api/auth/password', { body }));
  }

  /** The login's second step (after SECOND_FACTOR_REQUIRED); adopts the session it opens. */
  async completeSecondFactor(body: JsonBody<'/api/auth/login/second-factor', 'post'>): Promise<TokenPair> {
    return this.adopt(await this.http.call('post', '/api/auth/login/second-factor', { auth: false, body }));
  }

  /** The WebAuthn signing request for a login's passkey step (after SECOND_FACTOR_REQUIRED). */
  loginPasskeyOptions(body: JsonBody<'/api/auth/login/second-factor/passkey-options', 'post'>): Promise<Record<string, unknown>> {
    return this.http.call('post', '/api/auth/login/second-factor/passkey-options', { auth: false, body }) as Promise<Record<string, unknown>>;
  }

  /** WebAuthn creation options for a new passkey (the password's proof required). */
  passkeyEnrolmentOptions(body: JsonBody<'/api/auth/2fa/passkeys/options', 'post'>): Promise<Record<string, unknown>> {
    return this.http.call('post', '/api/auth/2fa/passkeys/options', { body }) as Promise<Record<string, unknown>>;
  }

  addPasskey(body: JsonBody<'/api/auth/2fa/passkeys', 'post'>): Promise<Schemas['PasskeyDto']> {
    return this.http.call('post', '/api/auth/2fa/passkeys', { body });
  }

  async removePasskey(credentialId: string, body: JsonBody<'/api/auth/2fa/passkeys/{credentialId}', 'delete'>): Promise<void> {
    await this.http.call('delete', '/api/auth/2fa/passkeys/{credentialId}', { params: { credentialId }, body });
  }

  secondFactorStatus(): Promise<Schemas['SecondFactorStatusDto']> {
    return this.http.call('get', '/api/auth/2fa', {});
  }

  /** A pending TOTP secret and its otpauth:// URI; nothing changes at login until confirmTotp. */
  beginTotp(body: JsonBody<'/api/auth/2fa/totp', 'post'>): Promise<Schemas['TotpEnrolmentDto']> {
    return this.http.call('post', '/api/auth/2fa/totp', { body });
  }

  /** Enables the pending factor; answers the ten backup codes, shown once. */
  confirmTotp(body: JsonBody<'/api/auth/2fa/totp/confirm', 'post'>): Promise<Schemas['BackupCodesDto']> {
    return this.http.call('post', '/api/auth/2fa/totp/confirm', { body });
  }

  async disableTotp(body: JsonBody<'/api/auth/2fa/totp', 'delete'>): Promise<void> {
    await this.http.call('delete', '/api/auth/2fa/totp', { body });
  }

  recoveryStatus(): Promise<Schemas['RecoveryStatusDto']> {
    return this.http.call('get', '/api/auth/recovery', {});
  }

  /** Sets the recovery key's proof and wrapping; an earlier recovery key stops working. */
  async setRecoveryKey(body: JsonBody<'/api/auth/recovery', 'put'>): Promise<void> {
    await this.http.call('put', '/api/auth/recovery', { body });
  }

  /** The private keys as the recovery key wrapped them, for whoever proves the key (no session). */
  recoveryKeyMaterial(body: JsonBody<'/api/auth/recover/key-material', 'post'>): Promise<Schemas['RecoveryKeyMaterialDto']> {
    return this.http.call('post', '/api/auth/recover/key-material', { auth: false, body });
  }

  /** A new password from the recovery key; every session ends, this device's too. */
  async recover(body: JsonBody<'/api/auth/recover', 'post'>): Promise<void> {
    await this.http.call('post', '/api/auth/recover', { auth: false, body });
    await this.http.setTokens(undefined);
  }

  /** Deletes the account and everything it owns on the server, then forgets the session here. */
  async deleteAccount(body: JsonBody<'/api/auth/account', 'delete'>): Promise<void> {
    await this.http.call('delete', '/api/auth/account', { body });
    await this.http.setTokens(undefined);
  }

  private async adopt(tokens: TokenPair): Promise<TokenPair> {
    await this.http.setTokens(tokens);
    return tokens;
  }
}
