import { startS3rver } from '../test/utils/s3rver';

/**
 * s3rver in a process of its own, so the blob store's CPU is not charged to the API or the load
 * generator. Prints its connection settings as one JSON line, then serves until SIGTERM.
 */
async function main(): Promise<void> {
  const s3 = await startS3rver();
  process.stdout.write(`${JSON.stringify({ endPoint: s3.endPoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: s3.bucket })}\n`);
  const stop = () => void s3.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
