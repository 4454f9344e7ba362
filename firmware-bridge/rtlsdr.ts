/**
 * RtlSdr: an RTL2832U dongle with an R82xx tuner as a TunableIqDevice. Open it from any WebUSB
 * `USBDevice` (the `usb` package, `navigator.usb`, the virtual dongle):
 *
 *   const sdr = await RtlSdr.open(usbDevice, { ppm: 0 });
 *   await sdr.setSampleRate(2_048_000); await sdr.setCenterFrequency(100e6); await sdr.setGain(280);
 *   await sdr.startStream((chunk) => ..., (event) => ...);
 *
 * Device commands run one at a time through a queue that continues after a failure; each public call
 * makes the same control transfers as the matching librtlsdr 0.6 call (docs/firmware-bridge-driver.md).
 */
import type { DongleInfo, IqChunk, StreamEvent, TunableIqDevice, TunerType } from './types.ts';
import { DriverError, isDeviceGoneError } from './errors.ts';
import { WebUsbTransport, type UsbDeviceLike, type UsbTransport } from './usb/transport.ts';
import { RegisterAccess } from './usb/registers.ts';
import { DEFAULT_FIR, Rtl2832u, assertSampleRate, correctedXtalHz, resamplerRatio } from './rtl2832u/rtl2832u.ts';
import type { Tuner, TunerHost, TunerProbe } from './tuners/tuner.ts';
import { TUNER_PROBES } from './tuners/probes.ts';
import { findKnownDongle } from './device-table.ts';
import { IqStream, type StreamCounters, type StreamOptions } from './stream.ts';

export interface RtlSdrOpenOptions {
  /** Frequency correction applied right after init, ppm. */
  ppm?: number;
  /** USB path to report when the device object does not carry one (browser WebUSB). */
  path?: string;
  /** Streaming defaults (transfers, sizes, stall timeout). */
  stream?: StreamOptions;
  /** Non-fatal warnings (PLL not locked, USB reset on open). Default: ignored. */
  onWarning?: (message: string) => void;
  /** Tuner probes to try, in order (default: librtlsdr's list). */
  probes?: readonly TunerProbe[];
}

export type DeviceState = 'open' | 'streaming' | 'closed' | 'gone';

/** USB bus/port path of a node-usb device ("1-1.4"), or '' when unknown (browser). */
export function usbPathOf(device: UsbDeviceLike): string {
  const bus = device.bus;
  const ports = device.ports;
  if (typeof bus === 'string' && bus.includes('-')) return bus;
  if (bus !== undefined && Array.isArray(ports) && ports.length > 0) return `${bus}-${ports.join('.')}`;
  return '';
}

/** Identity of a USB device from its descriptors, before opening it. */
export function dongleInfoOf(device: UsbDeviceLike, path = usbPathOf(device)): DongleInfo {
  const known = findKnownDongle(device.vendorId, device.productId);
  return {
    vendorId: device.vendorId,
    productId: device.productId,
    manufacturer: device.manufacturerName ?? '',
    product: device.productName ?? '',
    serial: device.serialNumber ?? '',
    path,
    name: known?.name ?? 'Unknown RTL2832U device',
  };
}

export class RtlSdr implements TunableIqDevice {
  readonly info: DongleInfo;
  readonly rtl: Rtl2832u;
  private stateValue: DeviceState = 'open';
  private queue: Promise<unknown> = Promise.resolve();
  private centerHz = 0;
  private rateHz = 0;
  private bandwidthHz = 0;
  private gainValue: number | 'auto' = 'auto';
  private manualGain = false;
  private directSamplingMode: 0 | 1 | 2 = 0;
  private stream: IqStream | undefined;
  private lastCounters: StreamCounters | undefined;

  private constructor(
    private readonly transport: UsbTransport,
    readonly regs: RegisterAccess,
    rtl: Rtl2832u,
    readonly tuner: Tuner,
    info: DongleInfo,
    private readonly opts: RtlSdrOpenOptions,
  ) {
    this.rtl = rtl;
    this.info = info;
  }

  /**
   * Open and initialise a dongle: claim it, init the baseband, probe the tuner, init the tuner (the
   * transfers of librtlsdr's rtlsdr_open). Rejects with a typed error; the device is closed again on failure.
   */
  static async open(usbDevice: UsbDeviceLike | USBDevice, opts: RtlSdrOpenOptions = {}): Promise<RtlSdr> {
    const device = usbDevice as UsbDeviceLike;
    const info = dongleInfoOf(device, opts.path ?? usbPathOf(device));
    const warn = opts.onWarning ?? (() => undefined);
    const transport = await WebUsbTransport.open(device);
    const regs = new RegisterAccess(transport);
    const rtl = new Rtl2832u(regs);
    try {
      if (!(await rtl.probeWrite())) {
        warn('dummy write failed: resetting the USB device');
        if (device.reset) await device.reset();
      }
      await rtl.initBaseband(DEFAULT_FIR);
      const host = makeHost(regs, rtl, warn);
      const tuner = await regs.withI2cRepeater(async () => {
        const found = await probeTuner(regs, rtl, opts.probes ?? TUNER_PROBES);
        if (!found)
          throw new DriverError(
            'BW_ERR_TUNER_NOT_FOUND',
            `no supported tuner answered on ${info.name} (${info.serial || 'no serial'})`,
          );
        if (!found.create) {
          throw new DriverError(
            'BW_ERR_TUNER_UNSUPPORTED',
            `${found.name} tuner at I2C 0x${found.i2cAddress.toString(16)} is not supported (R820T/R828D only)`,
          );
        }
        const t = found.create(host, {
          manufacturer: info.manufacturer,
          product: info.product,
          rtlXtalHz: rtl.correctedRtlXtalHz,
        });
        t.xtalHz = correctedXtalHz(t.ownXtalHz ?? rtl.rtlXtalHz, rtl.ppm);
        await rtl.configureLowIf(t.intermediateFrequencyHz);
        await t.init();
        return t;
      });
      const sdr = new RtlSdr(transport, regs, rtl, tuner, { ...info, tuner: tuner.type }, opts);
      if (opts.ppm !== undefined && opts.ppm !== 0) await sdr.setFrequencyCorrection(opts.ppm);
      return sdr;
    } catch (e) {
      await transport.close();
      throw e;
    }
  }

  get state(): DeviceState {
    return this.stateValue;
  }
  get tunerType(): TunerType {
    return this.tuner.type;
  }
  get gainsTenthsDb(): readonly number[] {
    return this.tuner.gainsTenthsDb;
  }
  getCenterFrequency(): number {
    return this.centerHz;
  }
  getSampleRate(): number {
    return this.rateHz;
  }
  /** Current gain: tenths of dB (a table entry) or 'auto'. */
  getGain(): number | 'auto' {
    return this.gainValue;
  }
  getFrequencyCorrection(): number {
    return this.rtl.ppm;
  }
  getDirectSampling(): 0 | 1 | 2 {
    return this.directSamplingMode;
  }
  /** Counters of the running (or last) stream. */
  getStreamCounters(): StreamCounters | undefined {
    return this.stream?.getCounters() ?? this.lastCounters;
  }

  // ---- public commands (queued) ---------------------------------------------------------------------

  async setCenterFrequency(hz: number): Promise<void> {
    await this.run(async () => {
      if (this.directSamplingMode === 0) this.checkRange(hz);
      else if (!Number.isFinite(hz) || hz < 0 || hz > this.rtl.correctedRtlXtalHz / 2) {
        throw new DriverError(
          'BW_ERR_TUNER_RANGE',
          `direct sampling covers 0–${this.rtl.correctedRtlXtalHz / 2} Hz, got ${hz} Hz`,
        );
      }
      await this.applyCenter(hz);
      this.stream?.notify({ type: 'retuned', centerHz: hz, atSampleIndex: this.stream.sampleIndex });
    });
  }

  /** Sample rate, Hz; the device keeps the exact rate the resampler gives (getSampleRate). */
  async setSampleRate(hz: number): Promise<void> {
    await this.run(async () => {
      assertSampleRate(hz);
      const { ratio, realRateHz } = resamplerRatio(hz, this.rtl.rtlXtalHz);
      this.rateHz = Math.floor(realRateHz);
      await this.regs.withI2cRepeater(async () => {
        const ifHz = await this.tuner.setBandwidth(this.bandwidthHz > 0 ? this.bandwidthHz : this.rateHz);
        await this.rtl.setIfFrequency(ifHz);
        // librtlsdr retunes here (to 0 Hz when nothing was tuned yet); we keep that for fidelity.
        await this.applyCenter(this.centerHz, true);
      });
      await this.rtl.writeResamplerRatio(ratio);
      await this.rtl.setSampleFreqCorrection(this.rtl.ppm);
      await this.rtl.softReset();
    });
  }

  /** IF filter bandwidth, Hz (0 = follow the sample rate). */
  async setTunerBandwidth(hz: number): Promise<void> {
    await this.run(async () => {
      if (!Number.isFinite(hz) || hz < 0)
        throw new DriverError('BW_ERR_INVALID_ARGUMENT', `bandwidth ${hz} Hz is invalid`);
      await this.regs.withI2cRepeater(async () => {
        const ifHz = await this.tuner.setBandwidth(hz > 0 ? hz : this.rateHz);
        await this.rtl.setIfFrequency(ifHz);
        await this.applyCenter(this.centerHz, true);
      });
      this.bandwidthHz = hz;
    });
  }

  /** Manual gain in tenths of dB (snapped to the nearest table entry) or 'auto' (tuner AGC). */
  async setGain(gain: number | 'auto'): Promise<void> {
    if (gain === 'auto') {
      await this.setTunerGainMode(false);
      return;
    }
    if (!Number.isFinite(gain))
      throw new DriverError('BW_ERR_INVALID_ARGUMENT', `gain ${gain} is not a number of tenths of dB`);
    const entry = nearestGain(this.gainsTenthsDb, gain);
    if (!this.manualGain) await this.setTunerGainMode(true);
    await this.setTunerGain(entry);
  }

  /** librtlsdr rtlsdr_set_tuner_gain_mode: manual (true) or tuner AGC (false). */
  async setTunerGainMode(manual: boolean): Promise<void> {
    await this.run(async () => {
      await this.regs.withI2cRepeater(() => this.tuner.setGainMode(manual));
      this.manualGain = manual;
      if (!manual) this.gainValue = 'auto';
    });
  }

  /** librtlsdr rtlsdr_set_tuner_gain: tenths of dB as given (no snapping). */
  async setTunerGain(tenthsDb: number): Promise<void> {
    await this.run(async () => {
      await this.regs.withI2cRepeater(() => this.tuner.setGain(tenthsDb));
      this.gainValue = tenthsDb;
    });
  }

  /**
   * Frequency correction, ppm: sample-clock correction registers, the tuner's reference (retuned) and the
   * DDC's IF word all use the corrected crystal.
   */
  async setFrequencyCorrection(ppm: number): Promise<void> {
    await this.run(async () => {
      if (!Number.isFinite(ppm) || Math.abs(ppm) > 1000) {
        throw new DriverError('BW_ERR_INVALID_ARGUMENT', `frequency correction ${ppm} ppm is outside ±1000 ppm`);
      }
      if (ppm === this.rtl.ppm) return;
      this.rtl.ppm = ppm;
      await this.rtl.setSampleFreqCorrection(ppm);
      this.tuner.xtalHz = correctedXtalHz(this.tuner.ownXtalHz ?? this.rtl.rtlXtalHz, ppm);
      // librtlsdr 0.6 leaves the IF word on the old crystal until the next rate change; we refresh it.
      if (this.directSamplingMode === 0) await this.rtl.setIfFrequency(this.tuner.intermediateFrequencyHz);
      if (this.centerHz) await this.applyCenter(this.centerHz);
    });
  }

  /** RTL2832U digital AGC. */
  async setAgcMode(on: boolean): Promise<void> {
    await this.run(() => this.rtl.setAgc(on));
  }

  /** Test mode: the stream carries an 8-bit counter (for loss tests like rtl_test). */
  async setTestMode(on: boolean): Promise<void> {
    await this.run(() => this.rtl.setTestMode(on));
  }

  /** Direct sampling: 0 off (tuner), 1 I-ADC input, 2 Q-ADC input (librtlsdr rtlsdr_set_direct_sampling). */
  async setDirectSampling(mode: 0 | 1 | 2): Promise<void> {
    await this.run(async () => {
      if (mode !== 0 && mode !== 1 && mode !== 2)
        throw new DriverError('BW_ERR_INVALID_ARGUMENT', `direct sampling mode ${String(mode)} is not 0, 1 or 2`);
      if (mode !== 0) {
        await this.regs.withI2cRepeater(() => this.tuner.standby());
        await this.rtl.enterDirectSampling(mode);
        this.directSamplingMode = mode;
      } else {
        await this.regs.withI2cRepeater(() => this.tuner.init());
        await this.rtl.setIfFrequency(this.tuner.intermediateFrequencyHz);
        await this.regs.demodWrite(1, 0x15, 0x01, 1); // spectrum inversion on (R82xx)
        await this.rtl.defaultAdcPath();
        this.directSamplingMode = 0;
      }
      await this.applyCenter(this.centerHz, true);
    });
  }

  /** Bias tee (5 V on the antenna input) through GPIO 0. */
  async setBiasTee(on: boolean): Promise<void> {
    await this.run(async () => {
      await this.rtl.setGpioOutput(0);
      await this.rtl.setGpioBit(0, on);
    });
  }

  /** Flush the device FIFO (librtlsdr rtlsdr_reset_buffer); startStream does this itself. */
  async resetBuffer(): Promise<void> {
    await this.run(() => this.rtl.resetBuffer());
  }

  async readEeprom(offset = 0, length = 256): Promise<Uint8Array> {
    return this.run(() => this.rtl.readEeprom(offset, length));
  }

  /** Write EEPROM bytes (only those that differ). Returns the number of bytes written. */
  async writeEeprom(data: Uint8Array, offset = 0): Promise<number> {
    return this.run(() => this.rtl.writeEeprom(data, offset));
  }

  async startStream(
    onChunk: (chunk: IqChunk) => void,
    onEvent?: (ev: StreamEvent) => void,
    opts?: StreamOptions,
  ): Promise<void> {
    await this.run(async () => {
      if (this.stateValue === 'streaming') throw new DriverError('BW_ERR_STREAM_STATE', 'already streaming');
      if (this.rateHz === 0) throw new DriverError('BW_ERR_STREAM_STATE', 'set a sample rate before streaming');
      await this.rtl.resetBuffer();
      const stream = new IqStream(
        this.transport,
        { centerHz: () => this.centerHz, sampleRateHz: () => this.rateHz },
        { ...this.opts.stream, ...opts },
      );
      this.stream = stream;
      this.stateValue = 'streaming';
      stream.start(onChunk, (ev) => {
        if (ev.type === 'disconnected' && this.stateValue === 'streaming') this.stateValue = 'gone';
        onEvent?.(ev);
      });
    });
  }

  /** Stop streaming and wait for the transfers in flight. */
  async stopStream(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    await s.stop();
    this.lastCounters = s.getCounters();
    this.stream = undefined;
    if (this.stateValue === 'streaming') this.stateValue = 'open';
  }

  /** Stop streaming, put the tuner in standby, power the demod down and release the device. */
  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    await this.stopStream();
    const gone = this.stateValue === 'gone';
    this.stateValue = 'closed';
    // Wait for queued commands, whatever their outcome, before the last transfers.
    await this.queue.then(
      () => undefined,
      () => undefined,
    );
    try {
      if (!gone) {
        await this.regs.withI2cRepeater(() => this.tuner.standby());
        await this.rtl.powerDown();
      }
    } catch (e) {
      if (!isDeviceGoneError(e)) {
        await this.transport.close();
        throw e;
      }
    }
    await this.transport.close();
  }

  // ---- internals --------------------------------------------------------------------------------------

  /** Serialise device commands; the chain continues after a failure (both settle paths). */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const task = this.queue.then(
      () => this.guard(fn),
      () => this.guard(fn),
    );
    this.queue = task.catch(() => undefined);
    return task;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.stateValue === 'closed')
      throw new DriverError('BW_ERR_DEVICE_CLOSED', `${this.info.name} ${this.info.serial} is closed`);
    if (this.stateValue === 'gone')
      throw new DriverError('BW_ERR_USB_DISCONNECTED', `${this.info.name} ${this.info.serial} was unplugged`);
    try {
      return await fn();
    } catch (e) {
      if (isDeviceGoneError(e)) this.stateValue = 'gone';
      throw e;
    }
  }

  private checkRange(hz: number): void {
    const { minFrequencyHz: lo, maxFrequencyHz: hi } = this.tuner;
    if (!Number.isFinite(hz) || hz < lo || hz > hi) {
      throw new DriverError(
        'BW_ERR_TUNER_RANGE',
        `centre frequency ${hz} Hz is outside the ${this.tuner.name} range ${lo}–${hi} Hz`,
      );
    }
  }

  /**
   * librtlsdr rtlsdr_set_center_freq without the queue: DDC in direct sampling, else the tuner behind the
   * repeater. `internal` retunes (after a rate or mode change) warn on PLL failure instead of throwing.
   */
  private async applyCenter(hz: number, internal = false): Promise<void> {
    try {
      if (this.directSamplingMode !== 0) await this.rtl.setIfFrequency(hz);
      else await this.regs.withI2cRepeater(() => this.tuner.setFrequency(hz));
      this.centerHz = hz;
    } catch (e) {
      this.centerHz = 0;
      if (internal && e instanceof DriverError && e.code === 'BW_ERR_TUNER_PLL') {
        this.opts.onWarning?.(e.message);
        return;
      }
      throw e;
    }
  }
}

/** The table entry nearest to a gain (ties go to the lower entry). */
export function nearestGain(table: readonly number[], tenthsDb: number): number {
  let best = table[0] ?? 0;
  for (const g of table) if (Math.abs(g - tenthsDb) < Math.abs(best - tenthsDb)) best = g;
  return best;
}

async function probeTuner(
  regs: RegisterAccess,
  rtl: Rtl2832u,
  probes: readonly TunerProbe[],
): Promise<TunerProbe | undefined> {
  let tunerReset = false;
  for (const p of probes) {
    if (p.resetTunerBefore && !tunerReset) {
      // FCI/Fitipower tuners answer only after a reset pulse on GPIO 4.
      await rtl.setGpioOutput(4);
      await rtl.setGpioBit(4, true);
      await rtl.setGpioBit(4, false);
      tunerReset = true;
    }
    const v = await regs.i2cProbeReg(p.i2cAddress, p.checkRegister);
    if (v !== null && p.matches(v)) return p;
  }
  return undefined;
}

function makeHost(regs: RegisterAccess, rtl: Rtl2832u, warn: (m: string) => void): TunerHost {
  return {
    i2cWrite: (addr, data) => regs.i2cWrite(addr, data),
    i2cRead: (addr, len) => regs.i2cRead(addr, len),
    setGpio: async (gpio, on) => {
      await rtl.setGpioOutput(gpio);
      await rtl.setGpioBit(gpio, on);
    },
    warn,
  };
}
