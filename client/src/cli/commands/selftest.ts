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
  publicKeysOf,
  rotateAccountKeys,
  unlockKeyBundle,
  unwrapDek,
  wrapDek,
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

  const started = performance.now();
  const account = await createAccount(password, options);
  const kdfMs = performance.now() - started;
  const login = await deriveLoginKeys(password, account.kdf, options);
  check(login.authKey === account.authKey, 'authKey');
  const keys = await unlockKeyBundle(account.keys, login.keyEncryptionKey);

  const dek = generateDek();
  const doc = createDocument('selftest');
  const envelope = await wrapDek(dek, publicKeysOf(keys));
  const blob = await encryptDocument(doc, dek);
  const title = await encryptTitle('selftest', dek);
  const opened = await unwrapDek(envelope, keys);
  check((await decryptDocument(blob, opened)).root.id === doc.root.id, 'document');
  check((await decryptTitle(title, opened)) === 'selftest', 'title');

  const share = await createLinkShare(dek);
  const { linkKey } = parseShareUrl(buildShareUrl('https://mindvault.invalid', 'token', share.linkKey));
  check((await decryptTitle(title, await openLinkShare(share.envelope, linkKey))) === 'selftest', 'share link');

  const rotation = await rotateAccountKeys({
    currentKeyPairs: keys,
    currentKeyVersion: 1,
    keyEncryptionKey: login.keyEncryptionKey,
    currentAuthKey: login.authKey,
    maps: [{ id: 'selftest', envelope }],
  });
  const rotated = await unlockKeyBundle(rotation.request.keys, login.keyEncryptionKey);
  check((await decryptTitle(title, await unwrapDek(rotation.request.maps[0]!.envelope, rotated))) === 'selftest', 'rotation');

  const { memoryKiB, iterations, parallelism } = account.kdf;
  const isDefault = memoryKiB === DEFAULT_KDF_COST.memoryKiB && iterations === DEFAULT_KDF_COST.iterations;
  io.out(`argon2id m=${memoryKiB}KiB t=${iterations} p=${parallelism}${isDefault ? ' (default)' : ''}: ${Math.round(kdfMs)} ms`);
  io.out('selftest ok');
  return EXIT_OK;
}
