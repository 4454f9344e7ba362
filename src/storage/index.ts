/** Storage: measurement schema, line protocol, InfluxDB store with outage spool, embedded store. */
export * from './lineProtocol.ts';
export * from './schema.ts';
export * from './query.ts';
export { EmbeddedStore, dayFileName, type EmbeddedStoreOptions } from './embeddedStore.ts';
export { InfluxStore, type InfluxStoreOptions } from './influxStore.ts';
export { Spool, type SpoolOptions } from './spool.ts';
export { openStore, dataLayout, type StoreConfig } from './openStore.ts';
