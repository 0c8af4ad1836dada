export { TokenBucket } from './token-bucket';
export { forEachLimited } from './for-each-limited';
