/** `Source` over a SigMF recording, paced at 1× (live-like replay) or faster. */
import { openRecording, SigmfPlayer, type SigmfRecording } from '../recording/sigmfReader.ts';
import { RecordingError } from '../errors.ts';
import type { IqBlock, Source, SourceEvent } from '../types.ts';

export class SigmfSource implements Source {
  readonly kind = 'sigmf' as const;
  readonly description: string;
  private player: SigmfPlayer | null = null;
  private running: Promise<unknown> | null = null;

  private constructor(
    readonly id: string,
    private readonly rec: SigmfRecording,
    private readonly speed: number | 'max',
  ) {
    this.description = `SigMF recording ${rec.metaPath}`;
  }

  static async create(id: string, path: string, speed: number | 'max' = 1): Promise<SigmfSource> {
    return new SigmfSource(id, await openRecording(path), speed);
  }

  getCenterHz(): number {
    return this.rec.segments[0]?.centerHz ?? 0;
  }
  getSampleRateHz(): number {
    return this.rec.sampleRateHz;
  }
  tune(): Promise<void> {
    return Promise.reject(
      new RecordingError('BW_ERR_RECORDING_TUNE', 'a recording cannot be retuned', { file: this.rec.metaPath }),
    );
  }

  start(onBlock: (block: IqBlock) => void, onEvent: (ev: SourceEvent) => void): Promise<void> {
    this.player = new SigmfPlayer(this.rec, { speed: this.speed });
    let center = NaN;
    this.running = this.player
      .run((b) => {
        if (b.centerHz !== center) {
          if (!Number.isNaN(center)) onEvent({ type: 'retuned', centerHz: b.centerHz, atSampleIndex: b.sampleIndex });
          center = b.centerHz;
        }
        onBlock(b);
      })
      .then(
        () => onEvent({ type: 'end' }),
        (e: unknown) => onEvent({ type: 'disconnected', reason: (e as Error).message }),
      );
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.player?.stop();
    await this.running;
  }
}
