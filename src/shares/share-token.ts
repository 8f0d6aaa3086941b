import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newShareToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Undefined for a string no token of ours can be, so it is refused without a lookup. */
export function hashShareToken(token: string): Buffer | undefined {
  return TOKEN_SHAPE.test(token) ? createHash('sha256').update(token).digest() : undefined;
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
