/** Chooses the store: InfluxDB when configured (with a spool under the data dir), the embedded store otherwise. */
import { join } from 'node:path';
import type { MeasurementStore } from '../types.ts';
import { EmbeddedStore } from './embeddedStore.ts';
import { InfluxStore } from './influxStore.ts';

export interface StoreConfig {
  influx?: { url: string; database: string; username?: string; password?: string };
  /** Data directory: `<dataDir>/measurements` (embedded) or `<dataDir>/spool` (InfluxDB outage spool). */
  dataDir: string;
}

export async function openStore(config: StoreConfig): Promise<MeasurementStore> {
  if (config.influx) {
    return InfluxStore.create({ ...config.influx, spoolDir: join(config.dataDir, 'spool') });
  }
  return EmbeddedStore.create({ dir: join(config.dataDir, 'measurements') });
}
