import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeFrame, FrameType } from '../../src/protocol/frames.ts';
import type { ServerMessage } from '../../src/protocol/messages.ts';
import { login, startTestConsole, type TestConsole } from '../helpers/console-server.ts';

let tc: TestConsole;
beforeAll(async () => {
  tc = await startTestConsole();
  await tc.server.listen();
  tc.monitor.start();
});
afterAll(async () => {
  await tc.dispose();
});

function wsUrl() {
  return tc.server.url.replace('http', 'ws') + '/api/stream';
}

function openWs(
  headers: Record<string, string>,
  onMessage?: (data: WebSocket.RawData, isBinary: boolean) => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(), { headers });
    // Listen before 'open': the hello can arrive in the same chunk as the upgrade response.
    if (onMessage) ws.on('message', onMessage);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('WebSocket /api/stream', () => {
  it('refuses an upgrade without a session cookie (401) or from a foreign origin (403)', async () => {
    await expect(openWs({})).rejects.toThrow('HTTP 401');
    const s = await login(tc.server, 'viewer');
    await expect(openWs({ cookie: s.cookie, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('streams binary waterfall rows and traces for the subscribed window, and alarms as JSON', async () => {
    const s = await login(tc.server, 'viewer');
    const text: ServerMessage[] = [];
    const frames: ReturnType<typeof decodeFrame>[] = [];
    const ws = await openWs({ cookie: s.cookie, origin: tc.server.url }, (data, isBinary) => {
      if (isBinary) frames.push(decodeFrame(new Uint8Array(data as Buffer)));
      else text.push(JSON.parse(String(data)) as ServerMessage);
    });
    ws.send(
      JSON.stringify({
        type: 'subscribe',
        sensorId: 'venue-a',
        startHz: 470e6,
        stopHz: 471e6,
        widthPx: 320,
        maxFps: 10,
        trace: 'i16',
      }),
    );
    await new Promise((r) => setTimeout(r, 600));
    tc.monitor.switchOnUnlicensed();
    await new Promise((r) => setTimeout(r, 200));
    ws.send(JSON.stringify({ type: 'subscribe', sensorId: 'venue-a', widthPx: 5 }));
    ws.send(JSON.stringify({ type: 'subscribe', sensorId: 'nowhere', widthPx: 100, maxFps: 5 }));
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    expect(text[0]).toMatchObject({ type: 'hello', protocolVersion: 1, user: 'viewer', role: 'viewer' });
    expect(text.find((m) => m.type === 'subscribed')).toMatchObject({ startHz: 470e6, stopHz: 471e6, widthPx: 320 });
    const rows = frames.filter((f) => f.type === FrameType.WaterfallU8);
    const traces = frames.filter((f) => f.type === FrameType.SpectrumI16);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThanOrEqual(11); // ≤ 10/s asked over ~0,9 s (the source sends 20/s)
    expect(traces.length).toBe(rows.length);
    expect(rows[0]).toMatchObject({ sensorId: 'venue-a', bins: 320, startHz: 470e6, stopHz: 471e6 });
    expect(text.some((m) => m.type === 'alarm' && m.alarm.kind === 'unlicensed-emitter')).toBe(true);
    const errors = text.filter((m) => m.type === 'error');
    expect(errors[0]).toMatchObject({ code: 'BW_ERR_VALIDATION', message: expect.stringContaining('widthPx') });
    expect(errors[1]).toMatchObject({ code: 'BW_ERR_SENSOR_NOT_FOUND' });
  });

  it('closes the stream when the session is logged out', async () => {
    const s = await login(tc.server, 'viewer');
    const ws = await openWs({ cookie: s.cookie });
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await tc.server.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    ws.send(JSON.stringify({ type: 'ping', t: 1 }));
    expect(await closed).toBe(4001);
  });
});
