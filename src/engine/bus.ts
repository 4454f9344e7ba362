/** In-process typed event bus (the broker seam of MonitorEventMap). A throwing listener never stops the others. */
import type { MonitorEventMap } from '../types.ts';

export class EventBus {
  private readonly listeners = new Map<keyof MonitorEventMap, Set<(e: unknown) => void>>();
  /** Listener exceptions swallowed so far (a console bug must not stop detection). */
  errors = 0;

  on<K extends keyof MonitorEventMap>(event: K, listener: (e: MonitorEventMap[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as (e: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  emit<K extends keyof MonitorEventMap>(event: K, payload: MonitorEventMap[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of set) {
      try {
        l(payload);
      } catch {
        this.errors++;
      }
    }
  }
}
