/** Long-term spectrum history (compact waterfall rows, rebuild of past windows). */
export * from './history.ts';
