/**
 * `bandwatch devices [--json] [--no-probe]`: list RTL-SDR dongles with tuner, serial and USB path. Says
 * plainly when the machine has no USB bus or no dongle is plugged in (exit code 1, like rtl_test).
 */
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.ts';
import { listDongles, type DongleList, type FoundDongle } from '../../../firmware-bridge/discovery.ts';
import { RtlSdr } from '../../../firmware-bridge/rtlsdr.ts';

export interface DevicesDeps {
  list: () => Promise<DongleList>;
  /** Open a dongle just long enough to read its tuner type. */
  probeTuner: (d: FoundDongle) => Promise<string>;
}

const defaultDeps: DevicesDeps = {
  list: () => listDongles(),
  probeTuner: async (d) => {
    const sdr = await RtlSdr.open(d.device);
    try {
      return sdr.tunerType;
    } finally {
      await sdr.close();
    }
  },
};

const HELP = `usage: bandwatch devices [--json] [--no-probe]

List RTL2832U dongles: name, tuner, serial, USB path (bus-port, tells dongles with equal serials apart).
  --json       machine-readable output
  --no-probe   do not open the dongles to identify the tuner (faster; works while they are in use)`;

export async function run(args: string[], io: CliIo, deps: DevicesDeps = defaultDeps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean' }, 'no-probe': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const { dongles, reason } = await deps.list();
  const rows = [];
  for (const d of dongles) {
    let tuner = 'not probed';
    let error: string | undefined;
    if (!values['no-probe']) {
      try {
        tuner = await deps.probeTuner(d);
      } catch (e) {
        tuner = 'unknown';
        error = e instanceof Error ? e.message : String(e);
      }
    }
    rows.push({
      ...d.info,
      vidPid: `${hex4(d.info.vendorId)}:${hex4(d.info.productId)}`,
      tuner,
      ...(error ? { error } : {}),
    });
  }
  if (values.json) {
    io.out(JSON.stringify({ dongles: rows, ...(reason ? { reason } : {}) }, null, 2));
    return rows.length ? 0 : 1;
  }
  if (!rows.length) {
    io.out(`No RTL-SDR dongle found: ${reason ?? 'none plugged in'}.`);
    return 1;
  }
  io.out(`Found ${rows.length} RTL-SDR dongle(s):`);
  rows.forEach((r, i) => {
    io.out(
      `  ${i}: ${r.name} [${r.vidPid}]  tuner ${r.tuner}  serial ${r.serial || '(none)'}  path ${r.path || '(unknown)'}` +
        `  (${[r.manufacturer, r.product].filter(Boolean).join(' ')})`,
    );
    if (r.error) io.out(`     could not probe the tuner: ${r.error}`);
  });
  const serials = rows.map((r) => r.serial);
  if (new Set(serials).size !== serials.length) {
    io.out(
      'Note: several dongles share a serial; select them by USB path, or give each its own serial with `bandwatch eeprom --write-serial`.',
    );
  }
  return 0;
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
