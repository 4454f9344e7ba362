import { describe, expect, it } from 'vitest';
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import { RtlTcpClient } from '../../firmware-bridge/rtltcp/client.ts';
import { RtlTcpServer } from '../../firmware-bridge/rtltcp/server.ts';
import { ToneTestSource } from '../../firmware-bridge/virtual/signal-source.ts';
import { VirtualRtlSdr } from '../../firmware-bridge/virtual/virtual-dongle.ts';

function until(cond: () => boolean, timeoutMs = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (cond()) resolve();
      else if (Date.now() - t0 > timeoutMs) reject(new Error('timed out waiting'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

function binPower(iq: Uint8Array, n: number, k: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    const x = (iq[2 * i] as number) - 127.5;
    const y = (iq[2 * i + 1] as number) - 127.5;
    const a = (-2 * Math.PI * k * i) / n;
    re += x * Math.cos(a) - y * Math.sin(a);
    im += x * Math.sin(a) + y * Math.cos(a);
  }
  return re * re + im * im;
}

describe('rtl_tcp client → server → RtlSdr driver → virtual dongle', () => {
  it('tunes the virtual dongle through rtl_tcp commands and streams its tone back', async () => {
    const dongle = new VirtualRtlSdr({
      xtalErrorPpm: -20,
      source: new ToneTestSource([{ freqHz: 433.97e6, levelDbm: -55 }]),
    });
    const sdr = await RtlSdr.open(dongle);
    const server = await RtlTcpServer.create({ device: sdr, port: 0 });
    const client = await RtlTcpClient.connect({ port: server.port });
    try {
      await client.setSampleRate(2_048_000);
      await client.setCenterFrequency(433_920_000);
      await client.setGain(280);
      await client.setFrequencyCorrection(-20);
      await until(() => server.stats.commands === 5);
      await server.settled();
      const st = dongle.radioState();
      expect(st.sampleRateHz).toBeCloseTo(2_048_000, -1);
      expect(Math.abs(st.centerHz - 433.92e6)).toBeLessThan(1000);
      expect(st.tunerGainTenthsDb).toBe(280);
      expect(st.freqCorrectionPpm).toBe(-20);
      // settle: skip IQ from before the retune, then look for the +50 kHz tone (bin +25 of 1024 at 2.048 MS/s)
      const got: Uint8Array[] = [];
      let bytes = 0;
      await client.startStream((c) => {
        bytes += c.data.length;
        if (bytes > 2_048_000) got.push(c.data.slice());
      });
      await until(() => got.reduce((a, b) => a + b.length, 0) >= 4096);
      const iq = Buffer.concat(got);
      const tone = binPower(iq, 1024, 25);
      const other = binPower(iq, 1024, 200);
      expect(10 * Math.log10(tone / other)).toBeGreaterThan(20);
    } finally {
      await client.close();
      await server.close();
      await sdr.close();
    }
  });
});
