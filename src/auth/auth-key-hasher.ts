import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

// NOTE: the authKey is already a 256-bit KDF output; this hash only makes a stolen table useless,
// so OWASP's minimum argon2id cost is enough and keeps login cheap under load.
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** argon2id hashes of authKeys; verification is constant-time inside the library. */
@Injectable()
export class AuthKeyHasher {
  private dummy?: Promise<string>;

  hash(authKey: Buffer): Promise<string> {
    return hash(encode(authKey), OPTIONS);
  }

  async verify(stored: string, authKey: Buffer): Promise<boolean> {
    try {
      return await verify(stored, encode(authKey), OPTIONS);
    } catch {
      return false;
    }
  }

  /** Spends the same time as a real verification, so unknown emails can't be told apart by timing. */
  async verifyNobody(authKey: Buffer): Promise<false> {
    this.dummy ??= hash(Buffer.alloc(32), OPTIONS);
    await this.verify(await this.dummy, authKey);
    return false;
  }
}

// NOTE: @node-rs/argon2's verify decodes a byte password as UTF-8 and throws on random bytes,
// so the 32-byte authKey is hashed in its base64 form on both sides.
function encode(authKey: Buffer): string {
  return authKey.toString('base64');
}
