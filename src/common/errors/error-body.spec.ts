import { describe, expect, it } from 'vitest';
import { MapNotFound, StorageQuotaExceeded } from '../../mindmaps/mindmaps.errors';
import { ValidationFailed } from './common.errors';
import { toErrorBody } from './error-body';

describe('error bodies', () => {
  it('carry the contract shape', () => {
    expect(toErrorBody(new MapNotFound())).toEqual({
      statusCode: 404,
      error: 'NotFound',
      code: 'MAP_NOT_FOUND',
      message: 'mind map not found',
    });
  });

  it('merge an error’s extra fields', () => {
    expect(toErrorBody(new StorageQuotaExceeded('free', 11, 10))).toMatchObject({
      statusCode: 413,
      error: 'PayloadTooLarge',
      code: 'STORAGE_QUOTA_EXCEEDED',
      tier: 'free',
      projectedBytes: 11,
      limitBytes: 10,
    });
    expect(toErrorBody(new ValidationFailed([{ field: 'a', messages: ['bad'] }]))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'a', messages: ['bad'] }],
    });
  });
});
