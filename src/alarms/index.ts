/** Alarms: conditions → alarm lifecycle, journal, notifications; compliance rules. */
export { AlarmManager, type AlarmManagerOptions } from './manager.ts';
export type { AlarmCondition } from './condition.ts';
export { evaluateEmissions, type RuleContext } from './rules.ts';
export type { WebhookConfig } from './webhooks.ts';
