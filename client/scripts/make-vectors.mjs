// Writes test/vectors/v2.json: the language-neutral test vectors of docs/crypto.md.
// Run from the repository root after `npm run build --workspace client`:
//   node client/scripts/make-vectors.mjs
// Sealed values use fresh randomness, so a re-run writes different (equally valid) ones; the
// committed file is the reference that every client must keep opening.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as mv from '../dist/index.js';

const hex = (b) => Buffer.from(b).toString('hex');
const seq = (n, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);

const userId = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const otherUserId = '9b2c1f4e-7d3a-4c5b-8e6f-1a2b3c4d5e6f';
const mapId = 'c0ffee00-1234-4abc-8def-0123456789ab';
const otherMapId = 'deadbeef-0000-4000-8000-000000000001';
const email = '  Ada.Lovelace@Example.COM ';
const password = 'correct horse battery staple';
const serverSalt = seq(16);

async function kdfVector(cost) {
  const params = { algorithm: 'argon2id', salt: mv.toBase64(serverSalt), ...cost };
  const salt = mv.deriveKdfSalt(email, serverSalt);
  const master = await mv.deriveMasterKey({ email, password, params }, { policy: mv.INSECURE_TEST_KDF_POLICY });
  const keys = mv.splitMasterKey(master);
  return {
    email, normalizedEmail: mv.normalizeEmail(email), password, params,
    salt: hex(salt), masterKey: hex(master), authKey: hex(keys.authKey), keyEncryptionKey: hex(keys.keyEncryptionKey),
  };
}

const kdfTiny = await kdfVector({ memoryKiB: 256, iterations: 1, parallelism: 1 });
const kdfDefault = await kdfVector({ ...mv.DEFAULT_KDF_COST });
const kek = Buffer.from(kdfTiny.keyEncryptionKey, 'hex');

const x25519Secret = new Uint8Array(32).fill(0x11);
const mlkemSeed = seq(64);
const keyPairs = mv.keyPairsFromSecrets(x25519Secret, mlkemSeed);
const keyVersion = 3;
const bundle = { ...(await mv.buildKeyBundle(keyPairs, kek, { keyVersion })), keyVersion };

const dek = seq(32, 0xa0);
const epoch = 2;
const envelope = await mv.wrapOwnerDek(dek, epoch, keyPairs, { userId, mapId, keyVersion });

const combinerIn = {
  pqSharedSecret: seq(32, 1), classicalSharedSecret: seq(32, 2), ephClassicalPublic: seq(32, 3),
  pqCiphertext: seq(1088, 4), recipientClassicalPublic: seq(32, 5), recipientPqPublic: seq(1184, 6),
};

const document = mv.createDocument('Trip to Lisbon');
document.root.children.push({ id: 'n2', text: 'Flights', children: [] });
const docSeq = 7;
const sealed = await mv.encryptDocument(document, { userId, mapId, dek, seq: docSeq });
const header = mv.readContentHeader(sealed.blob);
const titleRevision = 4;
const encryptedTitle = await mv.encryptTitle('Trip to Lisbon ✈', titleRevision, { userId, mapId, dek });

const mapShare = await mv.createLinkShare({ kind: 'map', userId, mapId, epoch, dek });
const titleKey = mv.deriveTitleKey(dek, mapId);
const versionShare = await mv.createLinkShare({ kind: 'version', userId, mapId, seq: docSeq, contentKey: sealed.contentKey, titleKey });

const ctxCases = [
  { fields: ['mindvault/v2/envelope/owner'], },
  { fields: ['a', ''], },
  { fields: ['mindvault/v2/content/title', hex(mv.uuidBytes(userId)), hex(mv.uuidBytes(mapId))], hexFields: [1, 2] },
];

const vectors = {
  description: 'Mindvault crypto v2 test vectors; see docs/crypto.md. Bytes are lower-case hex unless the field is a wire value (base64 with padding, as on the HTTP API).',
  ids: { userId, otherUserId, mapId, otherMapId },
  ctx: ctxCases.map((c) => {
    const fields = c.fields.map((f, i) => (c.hexFields?.includes(i) ? Buffer.from(f, 'hex') : f));
    return { fields: c.fields, hexFields: c.hexFields ?? [], encoding: hex(mv.ctx(...fields)) };
  }),
  argon2id: { version: '0x13', note: 'RFC 9106 Argon2id, version 0x13, output 32 bytes' },
  kdf: [kdfTiny, kdfDefault],
  account: {
    keyEncryptionKey: hex(kek), x25519Secret: hex(x25519Secret), mlkemSeed: hex(mlkemSeed),
    x25519Public: hex(keyPairs.classical.publicKey), mlkemPublic: hex(keyPairs.pq.publicKey),
    accountMacKey: hex(mv.deriveAccountMacKey(keyPairs)),
    bundle,
  },
  combiner: { ...Object.fromEntries(Object.entries(combinerIn).map(([k, v]) => [k, hex(v)])), kek: hex(mv.combineSharedSecrets(combinerIn)) },
  ownerEnvelope: { userId, mapId, keyVersion, epoch, dek: hex(dek), envelope },
  keys: {
    titleKey: hex(titleKey),
    contentKey: { seq: docSeq, versionNonce: hex(header.versionNonce), key: hex(sealed.contentKey) },
  },
  document: { userId, mapId, seq: docSeq, blob: mv.toBase64(sealed.blob), plaintext: document },
  title: { userId, mapId, revision: titleRevision, title: 'Trip to Lisbon ✈', encryptedTitle },
  shares: {
    map: { linkKey: mv.toBase64Url(mapShare.linkKey), envelope: mapShare.envelope, opens: { kind: 'map', userId, mapId, epoch, dek: hex(dek) } },
    version: {
      linkKey: mv.toBase64Url(versionShare.linkKey), envelope: versionShare.envelope,
      opens: { kind: 'version', userId, mapId, seq: docSeq, contentKey: hex(sealed.contentKey), titleKey: hex(titleKey) },
    },
  },
  mustRefuse: [
    { what: 'owner envelope opened for another map', item: 'ownerEnvelope', context: { userId, mapId: otherMapId, keyVersion } },
    { what: 'owner envelope opened for another user', item: 'ownerEnvelope', context: { userId: otherUserId, mapId, keyVersion } },
    { what: 'owner envelope opened at another keyVersion', item: 'ownerEnvelope', context: { userId, mapId, keyVersion: keyVersion + 1 } },
    { what: 'document opened as another map', item: 'document', context: { userId, mapId: otherMapId } },
    { what: 'document opened for another user', item: 'document', context: { userId: otherUserId, mapId } },
    { what: 'title opened as another map', item: 'title', context: { userId, mapId: otherMapId } },
    { what: 'bundle served with another keyVersion', item: 'bundle', context: { keyVersion: keyVersion - 1 } },
  ],
};

const out = fileURLToPath(new URL('../test/vectors/v2.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(vectors, null, 2)}\n`);
console.log(`wrote ${out}`);
