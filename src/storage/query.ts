/**
 * Query semantics shared by both stores: points of one measurement with fromMs ≤ time ≤ toMs whose tags
 * equal every given tag, in ascending time order; with `limit`, the newest `limit` of them (still ascending).
 */
import { StorageError } from '../errors.ts';
import type { Point, PointQuery } from '../types.ts';

export function validateQuery(q: PointQuery): void {
  if (!q.measurement)
    throw new StorageError('BW_ERR_STORAGE_QUERY', 'query needs a measurement', { field: 'measurement' });
  if (!Number.isFinite(q.fromMs) || !Number.isFinite(q.toMs) || q.fromMs > q.toMs) {
    throw new StorageError('BW_ERR_STORAGE_QUERY', `bad time range ${q.fromMs}..${q.toMs}`, { field: 'fromMs' });
  }
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 0)) {
    throw new StorageError('BW_ERR_STORAGE_QUERY', `limit must be a non-negative integer, got ${q.limit}`, {
      field: 'limit',
    });
  }
}

export function tagsMatch(p: Point, tags: Record<string, string> | undefined): boolean {
  if (!tags) return true;
  for (const k in tags) if (p.tags[k] !== tags[k]) return false;
  return true;
}

/** Keeps the newest `limit` points of an ascending list. */
export function applyLimit(points: Point[], limit: number | undefined): Point[] {
  return limit === undefined || points.length <= limit ? points : points.slice(points.length - limit);
}

/** Index of the first element with time ≥ t in an ascending time array. */
export function lowerBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element with time > t. */
export function upperBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
