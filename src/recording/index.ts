/** SigMF recording: metadata validation, reader/player, writer, evidence ring and catalog. */
export * from './sigmfMeta.ts';
export * from './sigmfReader.ts';
export * from './sigmfWriter.ts';
export * from './toCu8.ts';
export * from './catalog.ts';
export * from './evidence.ts';
