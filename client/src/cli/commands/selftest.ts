/**
 * `mindvault selftest`: runs every crypto flow locally — account, envelope, content, share link,
 * rotation — and reports how long the password KDF takes at the cost in use. Needs no server; it
 * tells whether this machine's WebCrypto works and whether the Argon2id cost is bearable here.
 */
import { parseArgs } from 'node:util';
import {
  buildShareUrl,
  createAccount,
  createDocument,
  createLinkShare,
  decryptDocument,
  decryptTitle,
  DEFAULT_KDF_COST,
  deriveLoginKeys,
  encryptDocument,
  encryptTitle,
  generateDek,
  INSECURE_TEST_KDF_POLICY,
  type NewKdfOptions,
  openLinkShare,
  parseShareUrl,
  rotateAccountKeys,
  unlockKeyBundle,
  unwrapOwnerDek,
  wrapOwnerDek,
} from '../../index.js';
import { type CliIo, EXIT_OK } from '../io.js';

export const selftestUsage = 'selftest [--fast]   run every crypto flow locally (--fast: tiny Argon2id cost)';

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`selftest: ${what} did not round-trip`);
}

export async function selftest(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { fast: { type: 'boolean', default: false } }, strict: true });
  const options: NewKdfOptions = values.fast
    ? { kdfCost: { memoryKiB: 256, iterations: 1, parallelism: 1 }, policy: INSECURE_TEST_KDF_POLICY }
    : {};
  const password = 'selftest password';
  const email = 'selftest@mindvault.invalid';
  const userId = '00000000-0000-4000-8000-000000000001';
  const mapId = '00000000-0000-4000-8000-000000000002';

  const started = performance.now();
  const account = await createAccount(email, password, options);
  const kdfMs = performance.now() - started;
  const login = await deriveLoginKeys({ email, password, params: account.kdf }, options);
  check(login.authKey === account.authKey, 'authKey');
  const { keyPairs } = await unlockKeyBundle({ ...account.keys, keyVersion: 1 }, login.keyEncryptionKey);

  const dek = generateDek();
  const doc = createDocument('selftest');
  const place = { userId, mapId };
  const envelope = await wrapOwnerDek(dek, 1, keyPairs, { ...place, keyVersion: 1 });
  const { blob } = await encryptDocument(doc, { ...place, dek, seq: 1 });
  const title = await encryptTitle('selftest', 1, { ...place, dek });
  const opened = await unwrapOwnerDek(envelope, keyPairs, { ...place, keyVersion: 1 });
  check((await decryptDocument(blob, { ...place, dek: opened.dek })).document.root.id === doc.root.id, 'document');
  check((await decryptTitle(title, { ...place, dek: opened.dek })).title === 'selftest', 'title');

  const share = await createLinkShare({ kind: 'map', ...place, epoch: 1, dek });
  const { linkKey } = parseShareUrl(buildShareUrl('https://mindvault.invalid', 'token', share.linkKey));
  const shared = await openLinkShare(share.envelope, linkKey);
  check(shared.kind === 'map' && (await decryptTitle(title, { ...place, dek: shared.dek })).title === 'selftest', 'share link');

  const rotation = await rotateAccountKeys({
    userId,
    currentKeyPairs: keyPairs,
    currentKeyVersion: 1,
    keyEncryptionKey: login.keyEncryptionKey,
    maps: [{ id: mapId, envelope, versionEnvelopes: [] }],
  });
  const rotated = await unlockKeyBundle({ ...rotation.keys, keyVersion: 2 }, login.keyEncryptionKey);
  const rewrapped = await unwrapOwnerDek(rotation.maps[0]!.envelope, rotated.keyPairs, { ...place, keyVersion: 2 });
  check((await decryptTitle(title, { ...place, dek: rewrapped.dek })).title === 'selftest', 'rotation');

  const { memoryKiB, iterations, parallelism } = account.kdf;
  const isDefault = memoryKiB === DEFAULT_KDF_COST.memoryKiB && iterations === DEFAULT_KDF_COST.iterations;
  io.out(`argon2id m=${memoryKiB}KiB t=${iterations} p=${parallelism}${isDefault ? ' (default)' : ''}: ${Math.round(kdfMs)} ms`);
  io.out('selftest ok');
  return EXIT_OK;
}
