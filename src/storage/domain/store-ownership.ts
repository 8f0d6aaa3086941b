/** Whether the blob store belongs to this database: only then may a sweep delete from it. */
export type StoreOwnership = { owned: true; installId: string } | { owned: false; reason: string };
