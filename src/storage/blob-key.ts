import { InvalidBlobKey } from './storage.errors';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const KEY_PATTERN = new RegExp(`^users/${UUID}/maps/${UUID}/${UUID}$`);

/** The one place object keys are made: a version's bytes live under its owner, map and version id. */
export function blobKey(userId: string, mapId: string, versionId: string): string {
  return assertBlobKey(`users/${userId}/maps/${mapId}/${versionId}`);
}

/** Adapters call this before touching the backend, so no key can escape its root. */
export function assertBlobKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new InvalidBlobKey(key);
  return key;
}

/** Whether `key` has the shape of an object key this server makes: the only keys a sweep may delete. */
export function isBlobKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/**
 * The name of the install id in a blob store (see StoreOwnership). No object key can take it:
 * object keys always start with `users/`.
 */
export const INSTALL_ID_NAME = 'mindvault-install-id';

export function userPrefix(userId: string): string {
  return `users/${userId}/`;
}
