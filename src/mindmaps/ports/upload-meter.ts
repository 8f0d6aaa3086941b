import type { Tier } from '../../config/app-config';

/** How saves show up in the metrics; implemented by the observability module. */
export abstract class UploadMeter {
  /** A version was stored: `kind` upload (PUT …/blob) or restore. */
  abstract saved(kind: 'upload' | 'restore', bytes: number): void;
  /** A save was refused for the owner's storage quota. */
  abstract quotaRefused(tier: Tier): void;
}
