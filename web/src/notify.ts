/** Alert the duty officer: a short WebAudio beep and a browser notification for each new alarm. */
let audio: AudioContext | null = null;

/** Call from a user gesture (login click) so the browser lets us play sound later. */
export function unlockAudio(): void {
  try {
    audio ??= new AudioContext();
    void audio.resume();
  } catch {
    audio = null;
  }
  if ('Notification' in window && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => undefined);
  }
}

/** Two-tone beep; higher and longer for critical alarms. */
export function beep(critical: boolean): void {
  if (!audio) return;
  const now = audio.currentTime;
  for (let i = 0; i < (critical ? 3 : 2); i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = critical ? 1320 : 880;
    gain.gain.setValueAtTime(0.0001, now + i * 0.25);
    gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.25 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.25 + 0.18);
    osc.connect(gain).connect(audio.destination);
    osc.start(now + i * 0.25);
    osc.stop(now + i * 0.25 + 0.2);
  }
}

export function notify(title: string, body: string): void {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body, tag: 'bandwatch-alarm' });
  } catch {
    // Some browsers only allow notifications from a service worker; the panel and the beep still work.
  }
}
