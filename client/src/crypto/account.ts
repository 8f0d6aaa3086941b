/**
 * Account flows that need no server round trip beyond what the caller already fetched:
 * registration material, unlocking after login, and password change.
 */
import type { KdfParams, KeyBundleInput } from '../contract.js';
import { toBase64 } from './base64.js';
import { wipe } from './bytes.js';
import { type DeriveOptions, deriveAccountKeys, type EmailForm, type KdfCost, type KdfFormat, newKdfParams } from './kdf.js';
import { type AccountKeyPairs, buildKeyBundle, generateKeyPairs, sealPrivateKeys, unlockKeyBundle } from './key-bundle.js';

export interface NewKdfOptions extends DeriveOptions {
  /** Overrides DEFAULT_KDF_COST, e.g. tiny costs in tests (with INSECURE_TEST_KDF_POLICY). */
  kdfCost?: Partial<KdfCost>;
}

export interface NewAccount {
  /** Spread into POST /api/auth/register together with `email`. */
  authKey: string;
  kdf: KdfParams;
  /** Sealed for keyVersion 1. */
  keys: KeyBundleInput;
  /** The unlocked key pairs, so the client can start working without logging in again. */
  keyPairs: AccountKeyPairs;
  keyEncryptionKey: Uint8Array;
}

/** Fresh KDF parameters, fresh key pairs, sealed under the password (v2 formats). */
export async function createAccount(email: string, password: string, options: NewKdfOptions = {}): Promise<NewAccount> {
  const kdf = newKdfParams(options.kdfCost);
  const { authKey, keyEncryptionKey } = await deriveAccountKeys({ email, password, params: kdf }, options);
  const keyPairs = generateKeyPairs();
  const keys = await buildKeyBundle(keyPairs, keyEncryptionKey, { keyVersion: 1 });
  return { authKey: toBase64(authKey), kdf, keys, keyPairs, keyEncryptionKey };
}

export interface LoginKeys {
  /** For POST /api/auth/login. */
  authKey: string;
  /** Keep in memory to open the bundle from GET /api/auth/keys (unlockKeyBundle). */
  keyEncryptionKey: Uint8Array;
}

/** Step one of login: the prelogin KDF parameters, the email and the password give the authKey. */
export async function deriveLoginKeys(
  input: { email: string; emailForm?: EmailForm; password: string; params: KdfParams; format?: KdfFormat },
  options: DeriveOptions = {},
): Promise<LoginKeys> {
  const { authKey, keyEncryptionKey } = await deriveAccountKeys(input, options);
  return { authKey: toBase64(authKey), keyEncryptionKey };
}

export interface ChangePasswordInput {
  email: string;
  /** How `email` enters the salt, now and after the change (kdf.ts, EmailForm); 'normal' by default. */
  emailForm?: EmailForm;
  currentPassword: string;
  /** The account's current parameters (from prelogin). */
  currentKdf: KdfParams;
  /** 'v1' while upgrading a legacy account: its current keys came from the v1 derivation. */
  currentFormat?: KdfFormat;
  /** The current bundle (GET /api/auth/keys); its private keys are re-sealed, not replaced. */
  bundle: KeyBundleInput & { keyVersion: number };
  newPassword: string;
}

/** Body of PUT /api/auth/password, as far as the crypto core makes it. */
export interface PasswordChangeMaterial {
  currentAuthKey: string;
  newAuthKey: string;
  kdf: KdfParams;
  classicalPrivEncrypted: string;
  pqPrivEncrypted: string;
  /** The keyVersion the re-sealed blobs are bound to (the bundle's). */
  keyVersion: number;
}

export interface PasswordChange {
  request: PasswordChangeMaterial;
  keyEncryptionKey: Uint8Array;
  keyPairs: AccountKeyPairs;
}

/**
 * Re-seals the same private keys (as v2 blobs) under a key derived from the new password with a
 * fresh salt. Key pairs, envelopes and shares are untouched, so no map needs re-wrapping. A wrong
 * current password throws DecryptionError before anything is produced.
 */
export async function changePassword(input: ChangePasswordInput, options: NewKdfOptions = {}): Promise<PasswordChange> {
  const current = await deriveAccountKeys(
    { email: input.email, emailForm: input.emailForm, password: input.currentPassword, params: input.currentKdf, format: input.currentFormat ?? 'v2' },
    options,
  );
  const { keyPairs } = await unlockKeyBundle(input.bundle, current.keyEncryptionKey);
  wipe(current.keyEncryptionKey);
  const kdf = newKdfParams(options.kdfCost);
  const next = await deriveAccountKeys({ email: input.email, emailForm: input.emailForm, password: input.newPassword, params: kdf }, options);
  return {
    request: {
      currentAuthKey: toBase64(current.authKey),
      newAuthKey: toBase64(next.authKey),
      kdf,
      ...(await sealPrivateKeys(keyPairs, next.keyEncryptionKey, { keyVersion: input.bundle.keyVersion })),
      keyVersion: input.bundle.keyVersion,
    },
    keyEncryptionKey: next.keyEncryptionKey,
    keyPairs,
  };
}
