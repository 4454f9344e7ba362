/**
 * `Source` over any `TunableIqDevice`: a USB dongle through the firmware-bridge driver, the virtual dongle
 * driven by the same driver, or an rtl_tcp client. Adds a stall watchdog (no data for `stallMs`) and reports
 * retunes at the sample where the new frequency starts.
 */
import type { IqChunk, StreamEvent, TunableIqDevice } from '../../firmware-bridge/types.ts';
import type { IqBlock, Source, SourceEvent, SourceKind } from '../types.ts';

export interface DeviceSourceOptions {
  id: string;
  kind: SourceKind;
  description?: string;
  centerHz: number;
  sampleRateHz: number;
  /** dB, or 'auto' (tuner AGC). Default 'auto'. */
  gain?: number | 'auto';
  ppm?: number;
  /** No data for this long, ms → 'stalled'. Default 2000. */
  stallMs?: number;
}

export class DeviceSource implements Source {
  readonly id: string;
  readonly kind: SourceKind;
  readonly description: string;
  private centerHz: number;
  private sampleRateHz: number;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private lastDataMs = 0;
  private stalled = false;
  private lastChunkCenter = NaN;

  private constructor(
    private readonly device: TunableIqDevice,
    private readonly o: DeviceSourceOptions,
  ) {
    this.id = o.id;
    this.kind = o.kind;
    this.description = o.description ?? `${device.info.name} (${device.tunerType}, serial ${device.info.serial})`;
    this.centerHz = o.centerHz;
    this.sampleRateHz = o.sampleRateHz;
  }

  /** Configure the device (rate, frequency, gain, correction) and wrap it. */
  static async create(device: TunableIqDevice, o: DeviceSourceOptions): Promise<DeviceSource> {
    await device.setSampleRate(o.sampleRateHz);
    await device.setCenterFrequency(o.centerHz);
    if (o.ppm) await device.setFrequencyCorrection(o.ppm);
    const g = o.gain ?? 'auto';
    await device.setGain(g === 'auto' ? 'auto' : Math.round(g * 10));
    return new DeviceSource(device, o);
  }

  getCenterHz(): number {
    return this.centerHz;
  }
  getSampleRateHz(): number {
    return this.sampleRateHz;
  }

  async tune(centerHz: number): Promise<void> {
    await this.device.setCenterFrequency(centerHz);
    this.centerHz = centerHz;
  }

  async start(onBlock: (block: IqBlock) => void, onEvent: (ev: SourceEvent) => void): Promise<void> {
    this.lastDataMs = Date.now();
    const stallMs = this.o.stallMs ?? 2000;
    this.watchdog = setInterval(
      () => {
        if (!this.stalled && Date.now() - this.lastDataMs > stallMs) {
          this.stalled = true;
          onEvent({ type: 'stalled', sinceMs: this.lastDataMs });
        }
      },
      Math.min(500, stallMs),
    );
    this.watchdog.unref?.();
    await this.device.startStream(
      (c: IqChunk) => {
        this.lastDataMs = Date.now();
        if (this.stalled) {
          this.stalled = false;
          onEvent({ type: 'reconnected' });
        }
        if (c.centerHz !== this.lastChunkCenter) {
          if (!Number.isNaN(this.lastChunkCenter))
            onEvent({ type: 'retuned', centerHz: c.centerHz, atSampleIndex: c.sampleIndex });
          this.lastChunkCenter = c.centerHz;
        }
        onBlock({
          format: 'cu8',
          bytes: c.data,
          sampleIndex: c.sampleIndex,
          timeMs: c.timeMs,
          centerHz: c.centerHz,
          sampleRateHz: c.sampleRateHz,
        });
      },
      (ev: StreamEvent) => onEvent(ev),
    );
  }

  async stop(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    await this.device.stopStream();
    await this.device.close();
  }
}
