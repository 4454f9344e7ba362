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

/** Where each kind of data lives under the data directory (one place, so the CLI and the engine agree). */
export function dataLayout(dataDir: string): {
  measurements: string;
  spool: string;
  history: string;
  recordings: string;
  evidence: string;
} {
  return {
    measurements: join(dataDir, 'measurements'),
    spool: join(dataDir, 'spool'),
    history: join(dataDir, 'history'),
    recordings: join(dataDir, 'recordings'),
    evidence: join(dataDir, 'evidence'),
  };
}

export async function openStore(config: StoreConfig): Promise<MeasurementStore> {
  const d = dataLayout(config.dataDir);
  if (config.influx) return InfluxStore.create({ ...config.influx, spoolDir: d.spool });
  return EmbeddedStore.create({ dir: d.measurements });
}
