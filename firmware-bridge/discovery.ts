/**
 * Finding dongles: list RTL2832U devices (known VID:PID only) through the `usb` package's WebUSB with
 * `allowAllDevices`, and follow hot-plug. On a machine without a USB bus the `usb` package rejects
 * getDevices() and its connect/disconnect listeners crash Node with an unhandled rejection, so nothing
 * touches it unless /sys/bus/usb/devices exists (the check is injectable for tests).
 */
import { existsSync } from 'node:fs';
import type { DongleInfo, IqChunk, StreamEvent, TunableIqDevice, TunerType } from './types.ts';
import { DriverError } from './errors.ts';
import { findKnownDongle } from './device-table.ts';
import { RtlSdr, dongleInfoOf, type RtlSdrOpenOptions } from './rtlsdr.ts';
import type { UsbDeviceLike } from './usb/transport.ts';

/** What discovery needs from a WebUSB implementation (node `usb`'s WebUSB, `navigator.usb`, a fake). */
export interface UsbBackend {
  getDevices(): Promise<UsbDeviceLike[]>;
  addEventListener(type: 'connect' | 'disconnect', listener: (ev: { device: UsbDeviceLike }) => void): void;
  removeEventListener(type: 'connect' | 'disconnect', listener: (ev: { device: UsbDeviceLike }) => void): void;
}

export interface DiscoveryOptions {
  /** Whether a USB bus exists (default: /sys/bus/usb/devices exists). */
  hasUsbBus?: () => boolean;
  /** The WebUSB backend (default: `new WebUSB({ allowAllDevices: true })` from the `usb` package). */
  loadBackend?: () => Promise<UsbBackend>;
}

/** A dongle on the bus, not yet opened (tuner unknown until RtlSdr.open). */
export interface FoundDongle {
  device: UsbDeviceLike;
  info: DongleInfo;
  /** Identity across re-plugs: serial + USB path (serials clash on cheap dongles; paths tell them apart). */
  key: string;
}

export interface DongleList {
  dongles: FoundDongle[];
  /** Why the list is empty (no USB bus, nothing plugged in, enumeration failed). */
  reason?: string;
}

export const NO_USB_BUS_REASON =
  'this machine has no USB bus (/sys/bus/usb/devices is missing), so no dongle can be attached';
export const NO_DONGLE_REASON = 'no RTL2832U dongle is plugged in';

const defaultHasUsbBus = (): boolean => existsSync('/sys/bus/usb/devices');

async function defaultBackend(): Promise<UsbBackend> {
  const { WebUSB } = await import('usb');
  return new WebUSB({ allowAllDevices: true }) as unknown as UsbBackend;
}

/** Identity key of a dongle: serial + USB path. */
export function dongleKey(info: Pick<DongleInfo, 'serial' | 'path'>): string {
  return `${info.serial}@${info.path}`;
}

function toFound(device: UsbDeviceLike): FoundDongle | undefined {
  if (!findKnownDongle(device.vendorId, device.productId)) return undefined;
  const info = dongleInfoOf(device);
  return { device, info, key: dongleKey(info) };
}

/** List the RTL2832U dongles on the bus. Never throws: an empty list carries the reason. */
export async function listDongles(opts: DiscoveryOptions = {}): Promise<DongleList> {
  if (!(opts.hasUsbBus ?? defaultHasUsbBus)()) return { dongles: [], reason: NO_USB_BUS_REASON };
  let devices: UsbDeviceLike[];
  try {
    const backend = await (opts.loadBackend ?? defaultBackend)();
    devices = await backend.getDevices();
  } catch (e) {
    return { dongles: [], reason: `USB enumeration failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  const dongles = devices.map(toFound).filter((d): d is FoundDongle => d !== undefined);
  dongles.sort((a, b) => a.info.path.localeCompare(b.info.path));
  return dongles.length ? { dongles } : { dongles, reason: NO_DONGLE_REASON };
}

/**
 * Pick a dongle by USB path (exact) or serial. A serial shared by several dongles is ambiguous: the error
 * lists their paths so the user can choose.
 */
export function selectDongle(dongles: readonly FoundDongle[], spec: string): FoundDongle {
  const byPath = dongles.find((d) => d.info.path === spec);
  if (byPath) return byPath;
  const bySerial = dongles.filter((d) => d.info.serial === spec);
  if (bySerial.length === 1) return bySerial[0] as FoundDongle;
  if (bySerial.length > 1) {
    throw new DriverError(
      'BW_ERR_DEVICE_AMBIGUOUS',
      `${bySerial.length} dongles have serial '${spec}' (at ${bySerial.map((d) => d.info.path).join(', ')}); select one by USB path or give them distinct serials with 'bandwatch eeprom --write-serial'`,
    );
  }
  const avail = dongles.map((d) => `${d.info.serial || '(no serial)'} at ${d.info.path || '?'}`).join('; ');
  throw new DriverError(
    'BW_ERR_DEVICE_NOT_FOUND',
    `no dongle with serial or USB path '${spec}'` + (avail ? ` (found: ${avail})` : ' (no dongle found)'),
  );
}

export type DongleEvent =
  | { type: 'attached'; dongle: FoundDongle }
  /** A dongle was pulled. Never thrown: the owner stops using it and may wait for it to come back. */
  | { type: 'disconnected'; info: DongleInfo; key: string }
  /** A dongle seen before (same serial + path) is back; `dongle.device` is the new USBDevice to open. */
  | { type: 'reattached'; dongle: FoundDongle };

/** Follows hot-plug and keeps the current dongle list. */
export class DongleWatcher {
  private readonly present = new Map<string, FoundDongle>();
  private readonly seen = new Set<string>();
  private readonly waiters = new Map<string, ((d: FoundDongle) => void)[]>();
  private readonly onConnect = (ev: { device: UsbDeviceLike }): void => this.handleConnect(ev.device);
  private readonly onDisconnect = (ev: { device: UsbDeviceLike }): void => this.handleDisconnect(ev.device);
  private closed = false;

  private constructor(
    private readonly backend: UsbBackend | undefined,
    private readonly onEvent: (ev: DongleEvent) => void,
    /** Why hot-plug is not followed (no USB bus, enumeration failed). */
    readonly reason: string | undefined,
  ) {}

  /**
   * Start watching. Without a USB bus it adds no listener (the `usb` package would crash Node) and
   * `watching` is false with a `reason`.
   */
  static async create(onEvent: (ev: DongleEvent) => void, opts: DiscoveryOptions = {}): Promise<DongleWatcher> {
    if (!(opts.hasUsbBus ?? defaultHasUsbBus)()) return new DongleWatcher(undefined, onEvent, NO_USB_BUS_REASON);
    let backend: UsbBackend;
    let devices: UsbDeviceLike[];
    try {
      backend = await (opts.loadBackend ?? defaultBackend)();
      devices = await backend.getDevices();
    } catch (e) {
      return new DongleWatcher(
        undefined,
        onEvent,
        `USB enumeration failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const w = new DongleWatcher(backend, onEvent, undefined);
    for (const d of devices) {
      const f = toFound(d);
      if (f) {
        w.present.set(f.key, f);
        w.seen.add(f.key);
      }
    }
    backend.addEventListener('connect', w.onConnect);
    backend.addEventListener('disconnect', w.onDisconnect);
    return w;
  }

  get watching(): boolean {
    return this.backend !== undefined && !this.closed;
  }

  /** Dongles present now. */
  list(): FoundDongle[] {
    return [...this.present.values()];
  }

  /** Resolve when the dongle with this key is (or comes back) on the bus; rejects when `signal` aborts. */
  waitFor(key: string, signal?: AbortSignal): Promise<FoundDongle> {
    const now = this.present.get(key);
    if (now) return Promise.resolve(now);
    return new Promise<FoundDongle>((resolve, reject) => {
      const list = this.waiters.get(key) ?? [];
      const done = (d: FoundDongle): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(d);
      };
      const onAbort = (): void => {
        this.waiters.set(
          key,
          (this.waiters.get(key) ?? []).filter((f) => f !== done),
        );
        reject(new DriverError('BW_ERR_DEVICE_NOT_FOUND', `stopped waiting for dongle ${key}`));
      };
      list.push(done);
      this.waiters.set(key, list);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stop following hot-plug. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.backend?.removeEventListener('connect', this.onConnect);
    this.backend?.removeEventListener('disconnect', this.onDisconnect);
  }

  private handleConnect(device: UsbDeviceLike): void {
    const f = toFound(device);
    if (!f || this.closed) return;
    const again = this.seen.has(f.key);
    this.present.set(f.key, f);
    this.seen.add(f.key);
    this.emit(again ? { type: 'reattached', dongle: f } : { type: 'attached', dongle: f });
    const waiting = this.waiters.get(f.key);
    this.waiters.delete(f.key);
    for (const w of waiting ?? []) w(f);
  }

  private handleDisconnect(device: UsbDeviceLike): void {
    if (this.closed || !findKnownDongle(device.vendorId, device.productId)) return;
    const info = dongleInfoOf(device);
    const key = dongleKey(info);
    // A disconnected device may no longer report its path: fall back to the entry holding this object.
    const entry = this.present.get(key) ?? [...this.present.values()].find((d) => d.device === device);
    if (!entry) return;
    this.present.delete(entry.key);
    this.emit({ type: 'disconnected', info: entry.info, key: entry.key });
  }

  private emit(ev: DongleEvent): void {
    try {
      this.onEvent(ev);
    } catch {
      // A listener's bug must not escape into the usb package's native callback (it would kill Node).
    }
  }
}

/** Options of {@link ReattachingRtlSdr}. */
export interface ReattachOptions extends RtlSdrOpenOptions {
  /** How to open a dongle (default RtlSdr.open); injectable for tests. */
  open?: (device: UsbDeviceLike, opts: RtlSdrOpenOptions) => Promise<RtlSdr>;
  /** Wall clock, ms since epoch, to size the outage in samples. */
  now?: () => number;
}

interface DesiredSettings {
  rateHz?: number;
  centerHz?: number;
  gain?: number | 'auto';
  ppm?: number;
  agc?: boolean;
  testMode?: boolean;
  directSampling?: 0 | 1 | 2;
  biasTee?: boolean;
}

/**
 * An RtlSdr that survives being unplugged. It remembers the settings asked of it. When the stream reports
 * `disconnected`, it waits for the same dongle (serial + USB path) to come back through the watcher,
 * reopens it, applies the settings again and restarts the stream. It then reports `samples-lost` for the
 * outage and `reconnected`, and the sample counter continues across the gap. Commands made while the
 * dongle is away reject with BW_ERR_USB_DISCONNECTED, and the requested setting is applied on reattach.
 */
export class ReattachingRtlSdr implements TunableIqDevice {
  private sdr: RtlSdr | undefined;
  private readonly desired: DesiredSettings = {};
  private stream: { onChunk: (c: IqChunk) => void; onEvent?: (e: StreamEvent) => void } | undefined;
  private indexOffset = 0;
  private lastIndex = 0;
  private lostAtMs = 0;
  private readonly abort = new AbortController();
  private reattaching: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly watcher: DongleWatcher,
    readonly key: string,
    sdr: RtlSdr,
    private readonly opts: ReattachOptions,
  ) {
    this.sdr = sdr;
  }

  static async open(
    watcher: DongleWatcher,
    dongle: FoundDongle,
    opts: ReattachOptions = {},
  ): Promise<ReattachingRtlSdr> {
    const sdr = await (opts.open ?? RtlSdr.open)(dongle.device, opts);
    return new ReattachingRtlSdr(watcher, dongle.key, sdr, opts);
  }

  /** True while the dongle is plugged in and open. */
  get attached(): boolean {
    return this.sdr !== undefined;
  }
  get info(): DongleInfo {
    return this.current('info').info;
  }
  get tunerType(): TunerType {
    return this.current('tunerType').tunerType;
  }
  get gainsTenthsDb(): readonly number[] {
    return this.current('gainsTenthsDb').gainsTenthsDb;
  }
  getCenterFrequency(): number {
    return this.desired.centerHz ?? 0;
  }
  getSampleRate(): number {
    return this.sdr?.getSampleRate() ?? this.desired.rateHz ?? 0;
  }

  async setCenterFrequency(hz: number): Promise<void> {
    await this.command(
      'setCenterFrequency',
      () => {
        this.desired.centerHz = hz;
      },
      (sdr) => sdr.setCenterFrequency(hz),
    );
  }
  async setSampleRate(hz: number): Promise<void> {
    await this.command(
      'setSampleRate',
      () => {
        this.desired.rateHz = hz;
      },
      (sdr) => sdr.setSampleRate(hz),
    );
  }
  async setGain(gain: number | 'auto'): Promise<void> {
    await this.command(
      'setGain',
      () => {
        this.desired.gain = gain;
      },
      (sdr) => sdr.setGain(gain),
    );
  }
  async setFrequencyCorrection(ppm: number): Promise<void> {
    await this.command(
      'setFrequencyCorrection',
      () => {
        this.desired.ppm = ppm;
      },
      (sdr) => sdr.setFrequencyCorrection(ppm),
    );
  }
  async setAgcMode(on: boolean): Promise<void> {
    await this.command(
      'setAgcMode',
      () => {
        this.desired.agc = on;
      },
      (sdr) => sdr.setAgcMode(on),
    );
  }
  async setTestMode(on: boolean): Promise<void> {
    await this.command(
      'setTestMode',
      () => {
        this.desired.testMode = on;
      },
      (sdr) => sdr.setTestMode(on),
    );
  }
  async setDirectSampling(mode: 0 | 1 | 2): Promise<void> {
    await this.command(
      'setDirectSampling',
      () => {
        this.desired.directSampling = mode;
      },
      (sdr) => sdr.setDirectSampling(mode),
    );
  }
  async setBiasTee(on: boolean): Promise<void> {
    await this.command(
      'setBiasTee',
      () => {
        this.desired.biasTee = on;
      },
      (sdr) => sdr.setBiasTee(on),
    );
  }

  async startStream(onChunk: (chunk: IqChunk) => void, onEvent?: (ev: StreamEvent) => void): Promise<void> {
    this.stream = { onChunk, onEvent };
    await this.startOn(this.current('startStream'));
  }

  async stopStream(): Promise<void> {
    this.stream = undefined;
    await this.sdr?.stopStream();
  }

  /** Stop, give up waiting for a pulled dongle, and close. */
  async close(): Promise<void> {
    this.closed = true;
    this.stream = undefined;
    this.abort.abort();
    await this.reattaching?.catch(() => undefined);
    const s = this.sdr;
    this.sdr = undefined;
    await s?.close();
  }

  /** Resolves once a pending reattach has finished (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    await this.reattaching?.catch(() => undefined);
  }

  /** Forward a command when attached (then remember it); when detached remember it and reject. */
  private async command(op: string, remember: () => void, run: (sdr: RtlSdr) => Promise<void>): Promise<void> {
    if (!this.sdr) {
      remember();
      this.current(op);
      return;
    }
    await run(this.sdr);
    remember();
  }

  private current(op: string): RtlSdr {
    if (this.sdr) return this.sdr;
    throw new DriverError(
      'BW_ERR_USB_DISCONNECTED',
      `${op}: dongle ${this.key} is unplugged; the setting applies when it is back`,
    );
  }

  private async startOn(sdr: RtlSdr): Promise<void> {
    const s = this.stream;
    if (!s) return;
    const offset = this.indexOffset;
    await sdr.startStream(
      (c) => {
        this.lastIndex = offset + c.sampleIndex + c.data.length / 2;
        s.onChunk(offset === 0 ? c : { ...c, sampleIndex: offset + c.sampleIndex });
      },
      (e) => {
        const shifted = 'atSampleIndex' in e ? { ...e, atSampleIndex: offset + e.atSampleIndex } : e;
        s.onEvent?.(shifted);
        if (e.type === 'disconnected' && sdr === this.sdr) this.lost(sdr);
      },
    );
  }

  private lost(sdr: RtlSdr): void {
    this.sdr = undefined;
    this.lostAtMs = (this.opts.now ?? Date.now)();
    this.reattaching = (async () => {
      await sdr.close().catch(() => undefined);
      const back = await this.watcher.waitFor(this.key, this.abort.signal);
      if (this.closed) return;
      const next = await (this.opts.open ?? RtlSdr.open)(back.device, this.opts);
      await this.apply(next);
      if (this.closed) {
        await next.close();
        return;
      }
      const rate = next.getSampleRate();
      const gap = rate > 0 ? Math.round((((this.opts.now ?? Date.now)() - this.lostAtMs) * rate) / 1000) : 0;
      this.indexOffset = this.lastIndex + gap;
      this.sdr = next;
      const s = this.stream;
      if (s) {
        if (gap > 0)
          s.onEvent?.({ type: 'samples-lost', lostSamples: gap, atSampleIndex: this.lastIndex, reason: 'gap' });
        s.onEvent?.({ type: 'reconnected' });
        await this.startOn(next);
      }
    })().catch(() => undefined); // aborted wait or failed reopen: stays detached; commands report it
  }

  /** Re-apply the remembered settings; one that fails (asked for while detached) is skipped with a warning. */
  private async apply(sdr: RtlSdr): Promise<void> {
    const d = this.desired;
    const steps: [string, (() => Promise<void>) | undefined][] = [
      ['ppm', d.ppm !== undefined ? () => sdr.setFrequencyCorrection(d.ppm as number) : undefined],
      ['direct sampling', d.directSampling ? () => sdr.setDirectSampling(d.directSampling as 1 | 2) : undefined],
      ['sample rate', d.rateHz !== undefined ? () => sdr.setSampleRate(d.rateHz as number) : undefined],
      ['centre frequency', d.centerHz !== undefined ? () => sdr.setCenterFrequency(d.centerHz as number) : undefined],
      ['gain', d.gain !== undefined ? () => sdr.setGain(d.gain as number | 'auto') : undefined],
      // Test mode and AGC share p0 0x19: test mode wins when both are asked for.
      [
        'test mode / AGC',
        d.testMode
          ? () => sdr.setTestMode(true)
          : d.agc !== undefined
            ? () => sdr.setAgcMode(d.agc as boolean)
            : undefined,
      ],
      ['bias tee', d.biasTee !== undefined ? () => sdr.setBiasTee(d.biasTee as boolean) : undefined],
    ];
    for (const [what, step] of steps) {
      if (!step) continue;
      try {
        await step();
      } catch (e) {
        if (e instanceof DriverError && e.code === 'BW_ERR_USB_DISCONNECTED') throw e;
        this.opts.onWarning?.(
          `reattach of ${this.key}: could not restore ${what}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }
}
