/** Reports: incident (per alarm) and periodic (per sensor / assignment), HTML and CSV, Vietnamese and English. */
export * from './i18n.ts';
export * from './png.ts';
export * from './incident.ts';
export * from './periodic.ts';
