export * from './gen/fleet/dict/bridge/v1/bridge_pb';
export * from './grpc-adapter';
export { TokenBucket } from '@fleet/shared-limits';
export * from './rate-limits';
export * from './cid';
export * from './convert';
export * from './client';
export * from './failures';
