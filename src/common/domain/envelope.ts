/**
 * A map's data key wrapped for one recipient (the owner's key pair, or a share link); opaque
 * bytes to the server. Maps, versions, shares and key rotation all speak it.
 */
export interface Envelope {
  ephClassicalPublic: Buffer;
  ephPqCiphertext: Buffer;
  wrappedDek: Buffer;
}
