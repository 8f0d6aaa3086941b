import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The secret kept in `<dataDir>/secrets/<name>`, created on first use: 48 random bytes, base64url,
 * readable by this user only (file 0600, directory 0700). Processes sharing one DATA_DIR (API,
 * worker, CLI) may race to create it: the file appears whole through link(), which fails for all
 * but the first, and the others read that one.
 */
export function persistentSecret(dataDir: string, name: string): string {
  const dir = join(dataDir, 'secrets');
  const path = join(dir, name);
  // NOTE: the data directory first, with the default mode: a recursive mkdir would give it 0700 too,
  // and the embedded PostgreSQL (run as its own user when this process is root) could not reach
  // its pg/ folder inside it.
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const draft = join(dir, `.${name}.${randomBytes(6).toString('hex')}`);
  writeFileSync(draft, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  // A copy restored without its mode must not stay readable by others.
  chmodSync(path, 0o600);
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${path}: a secret of 32+ characters expected; delete the file to have a new one made`);
  return secret;
}
