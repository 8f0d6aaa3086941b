import { ValidationFailed } from '../common/errors/common.errors';

export interface MapCursor {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to clients: base64url of the last item's (createdAt, id). */
export function encodeCursor(cursor: MapCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeCursor(raw: string): MapCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    const createdAt = new Date(String(at));
    if (typeof at === 'string' && typeof id === 'string' && UUID.test(id) && !Number.isNaN(createdAt.getTime())) {
      return { createdAt, id };
    }
  } catch {
    // falls through to the validation error
  }
  throw new ValidationFailed([{ field: 'cursor', messages: ['cursor is not one this server issued'] }]);
}

/** Opaque to clients: base64url of the last listed version's position in its map. */
export function encodeVersionCursor(position: string): string {
  return Buffer.from(`v${position}`, 'utf8').toString('base64url');
}

export function decodeVersionCursor(raw: string): string {
  const match = /^v([1-9][0-9]{0,18})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (match && encodeVersionCursor(match[1]) === raw) return match[1];
  throw new ValidationFailed([{ field: 'cursor', messages: ['cursor is not one this server issued'] }]);
}
