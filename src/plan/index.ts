/** Frequency plan: reading (JSON/YAML/CSV), validation, emission designators, time windows, matching. */
export {
  parsePlanText,
  loadPlanFile,
  checkPlanObject,
  validatePlanOrThrow,
  formatFromName,
  type PlanProblem,
  type PlanFormat,
} from './parse.ts';
export { parseEmissionDesignator, formatDesignatorBandwidth, type EmissionDesignator } from './designator.ts';
export { activeAssignments, isAssignmentActive, phaseAt, assignmentIntervals } from './windows.ts';
export { TUNABLE_MIN_HZ, TUNABLE_MAX_HZ } from './validate.ts';
export { matchAssignment, type AssignmentMatch } from './match.ts';
export { planHints } from './hints.ts';
