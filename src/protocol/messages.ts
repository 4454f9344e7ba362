/**
 * JSON text messages on the console WebSocket (`/api/stream`), shared by server and browser.
 * Client → server: control. Server → client: events. Binary frames are in `frames.ts`.
 */
import type { AlarmEvent, SensorStatus, TrackedEmission } from '../types.ts';

export type TraceFormat = 'f32' | 'i16';

/** An operator note as streamed (same shape as the REST API's). */
export interface NoteMessage {
  id: string;
  sensorId: string;
  alarmId?: string;
  timeMs: number;
  centerHz?: number;
  text: string;
  by: string;
  atMs: number;
}

/** Ask for one sensor's lines in a window, resampled on the server to `widthPx`. */
export interface SubscribeMessage {
  type: 'subscribe';
  sensorId: string;
  /** Window, absolute RF Hz; omitted = the sensor's whole span. */
  startHz?: number;
  stopHz?: number;
  /** Pixels across (8 … 8192). */
  widthPx: number;
  /** Maximum waterfall rows per second for this client (0,1 … 60). */
  maxFps: number;
  /** Quantisation range for uint8 rows, dBFS. */
  lowDbfs?: number;
  highDbfs?: number;
  /** Spectrum traces: format, or 'none'. */
  trace?: TraceFormat | 'none';
  /** Resampling of bins into pixels: 'max' keeps narrow carriers visible, 'mean' shows the floor. */
  reduce?: 'max' | 'mean';
}

export type ClientMessage = SubscribeMessage | { type: 'unsubscribe' } | { type: 'ping'; t: number };

export type ServerMessage =
  | { type: 'hello'; protocolVersion: number; user: string; role: string; sensors: SensorStatus[] }
  | { type: 'subscribed'; sensorId: string; startHz: number; stopHz: number; widthPx: number; maxFps: number }
  | { type: 'alarm'; event: AlarmEvent['type']; alarm: AlarmEvent['alarm'] }
  | { type: 'sensor'; sensor: SensorStatus }
  | { type: 'emission'; phase: 'start' | 'update' | 'end'; emission: TrackedEmission }
  | { type: 'plan-changed'; by: string; atMs: number }
  | { type: 'note'; note: NoteMessage }
  | { type: 'pong'; t: number }
  | { type: 'error'; code: string; message: string };

/** Limits of subscribe parameters (validated on the server; the browser clamps before sending). */
export const SUBSCRIBE_LIMITS = {
  minWidthPx: 8,
  maxWidthPx: 8192,
  minFps: 0.1,
  maxFps: 60,
} as const;
