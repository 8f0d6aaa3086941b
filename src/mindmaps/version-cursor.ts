import { ValidationFailed } from '../common/errors/common.errors';

/** Opaque to clients: base64url of the last listed version's position in its map. */
export function encodeVersionCursor(position: string): string {
  return Buffer.from(`v${position}`, 'utf8').toString('base64url');
}

export function decodeVersionCursor(raw: string): string {
  const match = /^v([1-9][0-9]{0,18})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (match && encodeVersionCursor(match[1]) === raw) return match[1];
  throw new ValidationFailed([{ field: 'cursor', messages: ['cursor is not one this server issued'] }]);
}
