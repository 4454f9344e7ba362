/**
 * The tuner seam: what Rtl2832u/RtlSdr need from any tuner, and how tuners are found (a list of probes,
 * tried in librtlsdr's order, each with the I2C address and ID register it checks).
 */
import type { TunerType } from '../types.ts';

/** I2C access to the tuner. The caller has switched the demod's I2C repeater on. */
export interface TunerBus {
  i2cWrite(i2cAddr: number, data: Uint8Array): Promise<void>;
  i2cRead(i2cAddr: number, length: number): Promise<Uint8Array>;
}

/** Extra services some tuners need from the bridge (RTL-SDR Blog V4: GPIO 5 drives its HF switch). */
export interface TunerHost extends TunerBus {
  setGpio(gpio: number, on: boolean): Promise<void>;
  /** Non-fatal problems (PLL not locked): logged by the owner, never thrown. */
  warn(message: string): void;
}

export interface Tuner {
  readonly type: TunerType;
  /** Human model name, e.g. "Rafael Micro R820T". */
  readonly name: string;
  readonly i2cAddress: number;
  /** Gains the tuner offers, tenths of dB. */
  readonly gainsTenthsDb: readonly number[];
  /** Tuning range of the RF centre frequency, Hz. */
  readonly minFrequencyHz: number;
  readonly maxFrequencyHz: number;
  /** The tuner's own crystal, Hz, or undefined when it is clocked from the RTL2832U's crystal. */
  readonly ownXtalHz: number | undefined;
  /** IF the demod must mix down after init, Hz (R82xx: 3.57 MHz until the bandwidth is set). */
  readonly intermediateFrequencyHz: number;
  /** Whether the last PLL programming locked (read back from the tuner). */
  readonly pllLocked: boolean;
  /** Crystal in use with the ppm correction applied, Hz; set by the bridge before init/tuning. */
  xtalHz: number;
  init(): Promise<void>;
  /** Put the tuner in standby (on close or direct sampling). */
  standby(): Promise<void>;
  /** Tune the RF centre frequency, Hz. No range check here: RtlSdr validates the public request. */
  setFrequency(hz: number): Promise<void>;
  /** Set the IF filter for a bandwidth, Hz; returns the new IF the demod must use, Hz. */
  setBandwidth(bandwidthHz: number): Promise<number>;
  /** Manual gain (true) or tuner AGC (false). */
  setGainMode(manual: boolean): Promise<void>;
  /** Manual gain, tenths of dB (the tuner picks the first step combination ≥ the value). */
  setGain(tenthsDb: number): Promise<void>;
}

/** How one tuner model is recognised on the I2C bus. */
export interface TunerProbe {
  readonly type: TunerType;
  readonly name: string;
  readonly i2cAddress: number;
  readonly checkRegister: number;
  /** True when the value read from checkRegister identifies this tuner. */
  matches(value: number): boolean;
  /**
   * Bridge work done before this probe. librtlsdr resets the tuner through GPIO 4 before probing the FCI
   * and Fitipower parts (they only answer after a reset).
   */
  readonly resetTunerBefore?: boolean;
  /** Builds the driver, or undefined when this model is recognised but not driven. */
  readonly create?: (host: TunerHost, opts: TunerCreateOptions) => Tuner;
}

export interface TunerCreateOptions {
  /** USB strings, to recognise board variants (RTL-SDR Blog V4 reports "RTLSDRBlog" / "Blog V4"). */
  manufacturer: string;
  product: string;
  /** RTL2832U crystal with ppm applied, Hz (tuners clocked from it use this). */
  rtlXtalHz: number;
}
