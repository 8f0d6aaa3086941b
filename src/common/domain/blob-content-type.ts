/** The one media type of stored ciphertext, uploaded and served: bytes the server never reads. */
export const BLOB_CONTENT_TYPE = 'application/octet-stream';
