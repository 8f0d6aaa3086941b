import { ValidationFailed } from '../errors/common.errors';

/** Where a newest-first page ended: the last item's (createdAt, id), the key the lists order by. */
export interface KeysetCursor {
  createdAt: Date;
  id: string;
}

/**
 * One newest-first page from the `limit + 1` rows a keyset query read: the first `limit` items, and
 * the cursor after the last of them when the extra row says there is more.
 */
export function keysetPage<R, T extends KeysetCursor>(rows: R[], limit: number, toItem: (row: R) => T): { items: T[]; next: KeysetCursor | null } {
  const items = rows.slice(0, limit).map(toItem);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to clients: base64url of the last item's (createdAt, id). */
export function encodeKeysetCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

export function decodeKeysetCursor(raw: string): KeysetCursor {
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
