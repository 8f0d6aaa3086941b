/**
 * The encrypted backup (docs/crypto.md §10b): the account as the server holds it — every version's
 * ciphertext with its recorded envelope, each map's envelope and encrypted title, version pins and
 * encrypted names, the key bundle, KDF parameters and recovery wrapping — as JSON Lines, one record
 * a line, written and read one version at a time. Nothing in it is readable without the password
 * (or the recovery key) the account had when it was made.
 *
 * Restoring opens the private keys from the header, checks and decrypts every record with them
 * (for the old account's ids), and saves each map afresh into the account the restoring vault
 * holds, versions oldest first with their pins and names: any account, on any server.
 */
import type { Envelope, KdfParams, KeyBundleInput } from '../contract.js';
import { fromBase64, toBase64 } from '../crypto/base64.js';
import { wipe } from '../crypto/bytes.js';
import { decryptDocument, decryptTitle } from '../crypto/content-cipher.js';
import { DecryptionError, InvalidInputError } from '../crypto/errors.js';
import { unwrapOwnerDek } from '../crypto/hybrid-kem.js';
import { deriveAccountKeys, type DeriveOptions, type EmailForm } from '../crypto/kdf.js';
import { type AccountKeyPairs, unlockKeyBundle } from '../crypto/key-bundle.js';
import { openRecoveryKeyMaterial, recoveryKeyFromWords } from '../crypto/recovery-key.js';
import { decryptVersionLabel } from '../crypto/version-label.js';
import { TamperingError, WrongPasswordError } from './errors.js';
import type { Vault } from './vault.js';

export const BACKUP_FORMAT = 'mindvault-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupHeader {
  type: 'header';
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  exportedAt: string;
  email: string;
  /** Present ('registered') only for an account registered before normalisation: how `email` enters the salt. */
  emailForm?: EmailForm;
  userId: string;
  keyVersion: number;
  kdf: KdfParams;
  keys: KeyBundleInput;
  /** The private keys as the recovery key sealed them; null when the account had none. */
  recovery: { keyVersion: number; classicalPrivEncrypted: string; pqPrivEncrypted: string } | null;
}

interface BackupMap {
  type: 'map';
  id: string;
  encryptedTitle: string;
  envelope: Envelope;
  maxVersions: number;
  createdAt: string;
}

interface BackupVersion {
  type: 'version';
  mapId: string;
  versionId: string;
  savedAt: string;
  envelope: Envelope;
  pinned: boolean;
  encryptedLabel: string | null;
  /** The version's ciphertext, base64. */
  blob: string;
}

interface BackupEnd {
  type: 'end';
  maps: number;
  versions: number;
}

type BackupRecord = BackupHeader | BackupMap | BackupVersion | BackupEnd;

export interface BackupProgress {
  maps: number;
  versions: number;
}

/** Yields the backup's lines (each ending in a newline) as they are read from the server. */
export async function* accountBackup(vault: Vault, options: { onProgress?: (p: BackupProgress) => void } = {}): AsyncGenerator<string> {
  const api = vault.api;
  const [keys, kdf, recovery] = await Promise.all([api.auth.keys(), api.auth.prelogin(vault.email), api.auth.recoveryStatus()]);
  const { keyVersion, ...bundle } = keys;
  const header: BackupHeader = {
    type: 'header',
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    email: vault.email,
    ...(vault.emailForm === 'normal' ? {} : { emailForm: vault.emailForm }),
    userId: vault.userId,
    keyVersion,
    kdf,
    keys: bundle,
    recovery: recovery.wrapping ?? null,
  };
  yield line(header);
  const counts = { maps: 0, versions: 0 };
  for (const { id } of await api.mindmaps.listAll()) {
    const map = await api.mindmaps.get(id);
    yield line({ type: 'map', id: map.id, encryptedTitle: map.encryptedTitle, envelope: map.envelope, maxVersions: map.maxVersions, createdAt: map.createdAt } satisfies BackupMap);
    // Oldest first: the order they are saved again in.
    for (const version of (await api.mindmaps.versions(map.id)).reverse()) {
      const download = await api.mindmaps.download(map.id, { versionId: version.versionId });
      yield line({
        type: 'version',
        mapId: map.id,
        versionId: version.versionId,
        savedAt: version.savedAt,
        envelope: version.envelope,
        pinned: version.pinned,
        encryptedLabel: version.encryptedLabel ?? null,
        blob: toBase64(download.bytes),
      } satisfies BackupVersion);
      counts.versions++;
      options.onProgress?.({ ...counts });
    }
    counts.maps++;
    options.onProgress?.({ ...counts });
  }
  yield line({ type: 'end', ...counts } satisfies BackupEnd);
}

/** How the backup's keys are opened: the password the account had when it was made, or its recovery key. */
export type BackupSecret = { password: string } | { recoveryWords: string };

/**
 * Restores a backup into `vault`'s account: every map saved again, versions oldest first, pins and
 * names kept. `lines` are the file's lines (a trailing empty one is fine). Throws
 * WrongPasswordError when the secret does not open the keys, TamperingError for a record that
 * does not verify, InvalidInputError for a file that is not a whole backup (the maps restored
 * before that point stay).
 */
export async function restoreBackup(
  vault: Vault,
  lines: AsyncIterable<string>,
  secret: BackupSecret,
  options: DeriveOptions & { onProgress?: (p: BackupProgress) => void } = {},
): Promise<BackupProgress> {
  const records = parsed(lines);
  const first = await records.next();
  const header = first.done ? undefined : first.value;
  if (header?.type !== 'header' || header.format !== BACKUP_FORMAT) throw new InvalidInputError('not a Mindvault backup');
  if (header.formatVersion !== BACKUP_FORMAT_VERSION) throw new InvalidInputError(`backup format ${header.formatVersion} is not supported (this client reads ${BACKUP_FORMAT_VERSION})`);
  const keyPairs = await openKeys(header, secret, options);
  const old = { userId: header.userId, keyVersion: header.keyVersion };
  const maps = new Map<string, { newId: string; envelope: Envelope; head: string | null }>();
  const counts = { maps: 0, versions: 0 };
  try {
    for await (const record of records) {
      if (record.type === 'map') {
        const dek = await unwrap(record.envelope, keyPairs, { ...old, mapId: record.id });
        let title: string;
        try {
          title = (await decryptTitle(record.encryptedTitle, { userId: old.userId, mapId: record.id, dek })).title;
        } catch (error) {
          throw tampered('title', record.id, error);
        } finally {
          wipe(dek);
        }
        const created = await vault.createMap({ title, maxVersions: record.maxVersions });
        maps.set(record.id, { newId: created.id, envelope: record.envelope, head: null });
        counts.maps++;
        options.onProgress?.({ ...counts });
      } else if (record.type === 'version') {
        const target = maps.get(record.mapId) ?? raise(new InvalidInputError(`backup: a version of map ${record.mapId} comes before its map`));
        const dek = await unwrap(record.envelope, keyPairs, { ...old, mapId: record.mapId });
        try {
          let document;
          try {
            ({ document } = await decryptDocument(fromBase64(record.blob, 'blob'), { userId: old.userId, mapId: record.mapId, dek }));
          } catch (error) {
            throw tampered('content', record.mapId, error);
          }
          const label = record.encryptedLabel === null ? null : await decryptVersionLabel(record.encryptedLabel, { userId: old.userId, mapId: record.mapId, versionId: record.versionId, dek }).catch((error: unknown) => raise(tampered('title', record.mapId, error)));
          const saved = await vault.push(target.newId, document, target.head === null ? {} : { ifMatch: target.head });
          target.head = saved.versionId;
          if (record.pinned || label !== null) await vault.markVersion(target.newId, saved.versionId, { pinned: record.pinned, ...(label !== null ? { label } : {}) });
        } finally {
          wipe(dek);
        }
        counts.versions++;
        options.onProgress?.({ ...counts });
      } else if (record.type === 'end') {
        if (record.maps !== counts.maps || record.versions !== counts.versions) {
          throw new InvalidInputError(`backup: the file names ${record.maps} maps and ${record.versions} versions, ${counts.maps} and ${counts.versions} were read`);
        }
        return counts;
      } else {
        throw new InvalidInputError('backup: a second header');
      }
    }
  } finally {
    wipe(keyPairs.classical.secretKey, keyPairs.pq.seed, keyPairs.pq.secretKey);
  }
  throw new InvalidInputError('backup: the file ends before its last record (cut short?)');
}

async function openKeys(header: BackupHeader, secret: BackupSecret, options: DeriveOptions): Promise<AccountKeyPairs> {
  try {
    if ('password' in secret) {
      const { keyEncryptionKey, authKey } = await deriveAccountKeys(
        { email: header.email, emailForm: header.emailForm === 'registered' ? 'registered' : 'normal', password: secret.password, params: header.kdf },
        options,
      );
      wipe(authKey);
      try {
        return (await unlockKeyBundle({ ...header.keys, keyVersion: header.keyVersion }, keyEncryptionKey)).keyPairs;
      } finally {
        wipe(keyEncryptionKey);
      }
    }
    if (header.recovery === null) throw new InvalidInputError('this backup was made without a recovery key: open it with the password');
    if (header.recovery.keyVersion !== header.keyVersion) throw new InvalidInputError('the recovery key in this backup wraps retired keys: open it with the password');
    const key = recoveryKeyFromWords(secret.recoveryWords);
    try {
      return await openRecoveryKeyMaterial({ classicalPublicKey: header.keys.classicalPublicKey, pqPublicKey: header.keys.pqPublicKey, ...header.recovery }, key);
    } finally {
      wipe(key);
    }
  } catch (error) {
    if (error instanceof DecryptionError && error.reason === 'authentication-failed') throw new WrongPasswordError({ cause: error });
    if (error instanceof DecryptionError) throw new TamperingError('key-bundle', null, { cause: error });
    throw error;
  }
}

async function unwrap(envelope: Envelope, keyPairs: AccountKeyPairs, context: { userId: string; mapId: string; keyVersion: number }): Promise<Uint8Array> {
  try {
    return (await unwrapOwnerDek(envelope, keyPairs, context)).dek;
  } catch (error) {
    throw tampered('envelope', context.mapId, error);
  }
}

function tampered(item: 'envelope' | 'title' | 'content', mapId: string, error: unknown): Error {
  return error instanceof DecryptionError ? new TamperingError(item, mapId, { cause: error }) : (error as Error);
}

function raise(error: Error): never {
  throw error;
}

function line(record: BackupRecord): string {
  return `${JSON.stringify(record)}\n`;
}

async function* parsed(lines: AsyncIterable<string>): AsyncGenerator<BackupRecord> {
  for await (const text of lines) {
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      throw new InvalidInputError('backup: a line is not JSON (not a Mindvault backup, or damaged)');
    }
    if (record === null || typeof record !== 'object' || !['header', 'map', 'version', 'end'].includes((record as { type?: string }).type ?? '')) {
      throw new InvalidInputError('backup: a record of no known type');
    }
    yield record as BackupRecord;
  }
}
