/**
 * The recovery key (docs/crypto.md §10a): 128 random bits the client makes and shows once, as 12
 * BIP-39 English words (the last word carries a 4-bit checksum, so most typos are caught here).
 *
 *   recoveryAuthKey = HKDF-SHA-256(ikm = key, salt = none, info = "mindvault/v2/recovery-auth-key", 32)  → the server (stored as an argon2id hash)
 *   recoveryWrapKey = HKDF-SHA-256(ikm = key, salt = none, info = "mindvault/v2/recovery-wrap-key", 32)  never leaves the device
 *
 * The account's private keys are sealed a second time under recoveryWrapKey, in the private-key
 * blob format of key-bundle.ts (v2, bound to kind and keyVersion). The key is already uniformly
 * random, so no password hashing is needed: HKDF only separates the two uses, and the proof the
 * server sees cannot be turned back into the wrapping key.
 */
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { KdfParams, KeyBundleInput } from '../contract.js';
import { toBase64 } from './base64.js';
import { randomBytes, utf8, wipe } from './bytes.js';
import { InvalidInputError } from './errors.js';
import type { NewKdfOptions } from './account.js';
import { deriveAccountKeys, type EmailForm, newKdfParams } from './kdf.js';
import { type AccountKeyPairs, sealPrivateKeys, unlockKeyBundle } from './key-bundle.js';

export const RECOVERY_KEY_BYTES = 16;
export const RECOVERY_KEY_WORDS = 12;
export const RECOVERY_AUTH_KEY_INFO = 'mindvault/v2/recovery-auth-key';
export const RECOVERY_WRAP_KEY_INFO = 'mindvault/v2/recovery-wrap-key';

/** 128 fresh random bits. */
export function generateRecoveryKey(): Uint8Array {
  return randomBytes(RECOVERY_KEY_BYTES);
}

/** The key as the 12 words a person writes down. */
export function recoveryKeyToWords(key: Uint8Array): string {
  if (key.length !== RECOVERY_KEY_BYTES) throw new InvalidInputError(`a recovery key is ${RECOVERY_KEY_BYTES} bytes`);
  return entropyToMnemonic(key, wordlist);
}

/**
 * The key back from what a person typed: case, extra spaces, line breaks and numbering ("1. ")
 * are ignored. InvalidInputError when it is not 12 words of the list or the checksum fails.
 */
export function recoveryKeyFromWords(typed: string): Uint8Array {
  const words = typed
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\b\d+[.)]/g, ' ')
    .split(/[^a-z]+/)
    .filter((w) => w.length > 0);
  if (words.length !== RECOVERY_KEY_WORDS) throw new InvalidInputError(`a recovery key is ${RECOVERY_KEY_WORDS} words, got ${words.length}`);
  const unknown = words.filter((w) => !wordlist.includes(w));
  if (unknown.length > 0) throw new InvalidInputError(`not a recovery-key word: ${unknown.join(', ')}`);
  const phrase = words.join(' ');
  if (!validateMnemonic(phrase, wordlist)) throw new InvalidInputError('these words are not a recovery key (a word is wrong or out of order)');
  return mnemonicToEntropy(phrase, wordlist);
}

export interface RecoveryKeys {
  /** Proof of the key, for the server. */
  recoveryAuthKey: Uint8Array;
  /** Seals the private keys' second copy; never leaves the device. */
  wrapKey: Uint8Array;
}

export function deriveRecoveryKeys(key: Uint8Array): RecoveryKeys {
  if (key.length !== RECOVERY_KEY_BYTES) throw new InvalidInputError(`a recovery key is ${RECOVERY_KEY_BYTES} bytes`);
  return {
    recoveryAuthKey: hkdf(sha256, key, undefined, utf8(RECOVERY_AUTH_KEY_INFO), 32),
    wrapKey: hkdf(sha256, key, undefined, utf8(RECOVERY_WRAP_KEY_INFO), 32),
  };
}

/** The body of PUT /api/auth/recovery's `recovery` (and of POST /api/auth/recover's `newRecovery`). */
export interface RecoveryWrapping {
  recoveryAuthKey: string;
  classicalPrivEncrypted: string;
  pqPrivEncrypted: string;
}

export interface NewRecoveryKey {
  /** The 12 words to show once. */
  words: string;
  wrapping: RecoveryWrapping;
}

/** A fresh recovery key and the account's private keys (of `keyVersion`) sealed under it. */
export async function createRecoveryKey(keyPairs: AccountKeyPairs, keyVersion: number, key: Uint8Array = generateRecoveryKey()): Promise<NewRecoveryKey> {
  const { recoveryAuthKey, wrapKey } = deriveRecoveryKeys(key);
  try {
    return {
      words: recoveryKeyToWords(key),
      wrapping: { recoveryAuthKey: toBase64(recoveryAuthKey), ...(await sealPrivateKeys(keyPairs, wrapKey, { keyVersion })) },
    };
  } finally {
    wipe(wrapKey);
  }
}

/**
 * Opens the private keys from POST /api/auth/recover/key-material with the recovery key, and
 * checks them against the public keys beside them (DecryptionError otherwise).
 */
export async function openRecoveryKeyMaterial(material: KeyBundleInput & { keyVersion: number }, key: Uint8Array): Promise<AccountKeyPairs> {
  const { wrapKey } = deriveRecoveryKeys(key);
  try {
    return (await unlockKeyBundle(material, wrapKey)).keyPairs;
  } finally {
    wipe(wrapKey);
  }
}

/** Body of POST /api/auth/recover, less the email and the proof the caller already holds. */
export interface RecoveryRequest {
  newAuthKey: string;
  kdf: KdfParams;
  classicalPrivEncrypted: string;
  pqPrivEncrypted: string;
  keyVersion: number;
  newRecovery: RecoveryWrapping;
}

/**
 * With the private keys opened by the recovery key: a new password's authKey and KDF parameters,
 * the same private keys sealed under it, and a new recovery key to replace the one being used.
 */
export async function resealForRecovery(
  input: { email: string; emailForm?: EmailForm; newPassword: string; keyPairs: AccountKeyPairs; keyVersion: number },
  options: NewKdfOptions = {},
): Promise<{ request: RecoveryRequest; newWords: string }> {
  const kdf = newKdfParams(options.kdfCost);
  const next = await deriveAccountKeys({ email: input.email, emailForm: input.emailForm, password: input.newPassword, params: kdf }, options);
  try {
    const replacement = await createRecoveryKey(input.keyPairs, input.keyVersion);
    return {
      request: {
        newAuthKey: toBase64(next.authKey),
        kdf,
        ...(await sealPrivateKeys(input.keyPairs, next.keyEncryptionKey, { keyVersion: input.keyVersion })),
        keyVersion: input.keyVersion,
        newRecovery: replacement.wrapping,
      },
      newWords: replacement.words,
    };
  } finally {
    wipe(next.keyEncryptionKey, next.authKey);
  }
}
