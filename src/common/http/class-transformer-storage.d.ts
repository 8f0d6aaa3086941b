/** class-transformer ships this entry without types beside it; they are under types/. */
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
