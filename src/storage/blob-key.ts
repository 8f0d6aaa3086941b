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

export function userPrefix(userId: string): string {
  return `users/${userId}/`;
}
