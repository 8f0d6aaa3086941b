import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { isBlobKey } from './blob-key';
import type { StoreOwnership } from './domain/store-ownership';
import { BlobStore } from './ports/blob-store';
import { InstallIdentity } from './ports/install-identity';
import { StorageInventory } from './ports/storage-inventory';

/** Objects of an unmarked store looked at before claiming it. */
const CLAIM_SAMPLE = 100;

/**
 * The blob store and the database know they belong together: the database's install id is written
 * into the store at the first start (a store marked with another id, or a new database pointed at
 * an old store, is not this database's, and no sweep deletes from it).
 *
 * An unmarked store is claimed when it holds no object, or when most of the first objects it lists
 * are versions of this database (an install made before stores were marked). A store full of
 * objects this database never wrote stays unclaimed.
 */
@Injectable()
export class StoreOwnershipService implements OnApplicationBootstrap {
  private readonly logger = new Logger('StoreOwnership');

  constructor(
    private readonly blobs: BlobStore,
    private readonly identity: InstallIdentity,
    private readonly inventory: StorageInventory,
  ) {}

  /** At start-up, so a new install marks its store before its first upload. A store that is down then is settled by the next sweep. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const ownership = await this.settle();
      if (!ownership.owned) this.logger.error(`NO SWEEP WILL DELETE FROM THIS BLOB STORE: ${ownership.reason}`);
    } catch (error) {
      this.logger.warn(`store ownership not settled at start-up (the next sweep tries again): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Claims the store where that is safe (see the class), and answers whether it is this database's. */
  async settle(): Promise<StoreOwnership> {
    const installId = await this.identity.installId();
    let storeId = await this.blobs.readInstallId();
    if (storeId === undefined) {
      const sample = await this.firstObjects();
      const ours = sample.length === 0 ? 0 : (await this.inventory.referencedKeys(sample)).size;
      if (sample.length > 0 && ours * 2 <= sample.length) {
        return {
          owned: false,
          reason: `the store is unmarked and ${sample.length - ours} of the first ${sample.length} objects it lists are no version of this database (install ${installId}): it was written by another one`,
        };
      }
      storeId = await this.blobs.claimInstallId(installId);
    }
    if (storeId !== installId) {
      return { owned: false, reason: `the store belongs to install ${storeId}, and this database is install ${installId}` };
    }
    return { owned: true, installId };
  }

  private async firstObjects(): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of this.blobs.list('')) {
      if (!isBlobKey(object.key)) continue;
      keys.push(object.key);
      if (keys.length === CLAIM_SAMPLE) break;
    }
    return keys;
  }
}
