// The DICT bridge simulator: a real gRPC DictBridgeService behaving like DICT, for dev, tests and benchmarks.
export { startDictBridgeSim, type DictBridgeSim, type DictBridgeSimOptions, type EntryChange, type SimTlsOptions } from './sim';
export type { SimFaults, OperationFaults } from './faults';
export type { SimStats } from './stats';
export { driftedAttributes, type InjectResult, type InjectSpec } from './inject';
export { CID_LINE_BYTES } from './files';
export type { SimEntry, StoredEntry } from './store/key-type-store';
