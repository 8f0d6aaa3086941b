/** This database's install id (see StoreOwnership): made at its first start, never changed. */
export abstract class InstallIdentity {
  /** The id, made now if this database has none yet (concurrent callers all get the same one). */
  abstract installId(): Promise<string>;
}
