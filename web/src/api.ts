/** REST client: same-origin fetch with the session cookie; state-changing calls carry the CSRF token. */
import type { NoteMessage } from '../../src/protocol/messages.ts';
import type { Alarm, AlarmKind, FrequencyPlan, SensorStatus, TrackedEmission } from '../../src/types.ts';

export interface SessionInfo {
  user: string;
  role: 'viewer' | 'operator' | 'admin';
  csrfToken: string;
}

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HistoryResponse {
  sensorId: string;
  fromMs: number;
  toMs: number;
  startHz: number;
  stopHz: number;
  widthPx: number;
  lowDbfs: number;
  highDbfs: number;
  rows: { timeMs: number; b64: string }[];
}

export class ApiClient {
  private csrf = '';

  async call<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf;
    const res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const data = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    if (!res.ok) {
      throw new ApiCallError(res.status, data.error?.code ?? 'BW_ERR_HTTP', data.error?.message ?? res.statusText);
    }
    return data as T;
  }

  async session(): Promise<SessionInfo | null> {
    try {
      const s = await this.call<SessionInfo>('GET', '/api/auth/session');
      this.csrf = s.csrfToken;
      return s;
    } catch (e) {
      if (e instanceof ApiCallError && e.status === 401) return null;
      throw e;
    }
  }

  async login(username: string, password: string): Promise<SessionInfo> {
    const s = await this.call<SessionInfo>('POST', '/api/auth/login', { username, password });
    this.csrf = s.csrfToken;
    return s;
  }

  logout(): Promise<unknown> {
    return this.call('POST', '/api/auth/logout');
  }

  sensors(): Promise<SensorStatus[]> {
    return this.call('GET', '/api/sensors');
  }

  plan(): Promise<FrequencyPlan> {
    return this.call('GET', '/api/plan');
  }

  alarms(q: { state?: 'active' | 'cleared'; kind?: AlarmKind; limit?: number } = {}): Promise<Alarm[]> {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
    return this.call('GET', `/api/alarms${p.size ? '?' + p.toString() : ''}`);
  }

  acknowledge(id: string, comment: string): Promise<Alarm> {
    return this.call('POST', `/api/alarms/${encodeURIComponent(id)}/acknowledge`, { comment });
  }

  notes(limit = 1000): Promise<NoteMessage[]> {
    return this.call('GET', `/api/notes?limit=${limit}`);
  }

  addNote(n: { sensorId: string; alarmId?: string; centerHz?: number; text: string }): Promise<NoteMessage> {
    return this.call('POST', '/api/notes', n);
  }

  emissions(sensorId: string): Promise<TrackedEmission[]> {
    return this.call('GET', `/api/emissions?activeOnly=true&sensorId=${encodeURIComponent(sensorId)}`);
  }

  history(q: {
    sensorId: string;
    fromMs: number;
    toMs: number;
    startHz: number;
    stopHz: number;
    widthPx: number;
    rows: number;
  }): Promise<HistoryResponse> {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) p.set(k, String(Math.round(v as number) || v));
    p.set('sensorId', q.sensorId);
    return this.call('GET', `/api/history/waterfall?${p.toString()}`);
  }
}

export function decodeB64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
