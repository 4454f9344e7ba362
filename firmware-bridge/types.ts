/**
 * Contracts of the USB bridge. The layers: UsbTransport (WebUSB USBDevice) → Rtl2832u (registers) → Tuner.
 * The bridge knows nothing of detection: it delivers cu8 IQ with sample counters and reports faults as events.
 */

/** Identity of an RTL2832U dongle on the bus. */
export interface DongleInfo {
  vendorId: number;
  productId: number;
  manufacturer: string;
  product: string;
  /** Serial from the string descriptor / EEPROM ("00000001" on many dongles). */
  serial: string;
  /** USB bus/port path, e.g. "1-1.4"; tells dongles with clashing serials apart. */
  path: string;
  /** Human name from the known VID:PID table. */
  name: string;
  tuner?: TunerType;
}

export type TunerType = 'R820T' | 'R828D' | 'E4000' | 'FC0012' | 'FC0013' | 'FC2580' | 'unknown';

/** rtl_tcp / librtlsdr tuner enum values. */
export const TUNER_ENUM: Record<TunerType, number> = {
  unknown: 0,
  E4000: 1,
  FC0012: 2,
  FC0013: 3,
  FC2580: 4,
  R820T: 5,
  R828D: 6,
};

/** The R82xx gain table, tenths of dB (librtlsdr rtlsdr_get_tuner_gains). */
export const R82XX_GAINS_TENTHS_DB = [
  0, 9, 14, 27, 37, 77, 87, 125, 144, 157, 166, 197, 207, 229, 254, 280, 297, 328, 338, 364, 372, 386, 402, 421, 434,
  439, 445, 480, 496,
] as const;

/** One block of IQ from a stream. */
export interface IqChunk {
  /** cu8 interleaved I,Q (2 bytes per complex sample). Valid only during the callback unless copied. */
  data: Uint8Array;
  /** Index of the first complex sample of `data` since the stream started (continuous counter, gaps included). */
  sampleIndex: number;
  /** Wall-clock time of the first sample, ms since epoch (estimated from the counter and the rate). */
  timeMs: number;
  centerHz: number;
  sampleRateHz: number;
}

export type StreamEvent =
  | { type: 'samples-lost'; lostSamples: number; atSampleIndex: number; reason: 'gap' | 'overflow' | 'stall' }
  | { type: 'stalled'; sinceMs: number }
  | { type: 'disconnected'; reason: string }
  | { type: 'reconnected' }
  | { type: 'retuned'; centerHz: number; atSampleIndex: number };

/**
 * A tunable IQ device: what the driver offers (over real USB or the virtual dongle) and what rtl_tcp shares.
 * All setters resolve once the hardware has been told; they reject with a typed error.
 */
export interface TunableIqDevice {
  readonly info: DongleInfo;
  readonly tunerType: TunerType;
  /** Available gains, tenths of dB. */
  readonly gainsTenthsDb: readonly number[];
  setCenterFrequency(hz: number): Promise<void>;
  getCenterFrequency(): number;
  setSampleRate(hz: number): Promise<void>;
  getSampleRate(): number;
  /** Manual gain in tenths of dB (nearest table entry is used), or 'auto' for tuner AGC. */
  setGain(gain: number | 'auto'): Promise<void>;
  setFrequencyCorrection(ppm: number): Promise<void>;
  setAgcMode(on: boolean): Promise<void>;
  setTestMode(on: boolean): Promise<void>;
  setDirectSampling(mode: 0 | 1 | 2): Promise<void>;
  setBiasTee(on: boolean): Promise<void>;
  /** Start streaming; onChunk is called for each transfer in order. */
  startStream(onChunk: (chunk: IqChunk) => void, onEvent?: (ev: StreamEvent) => void): Promise<void>;
  stopStream(): Promise<void>;
  close(): Promise<void>;
}
