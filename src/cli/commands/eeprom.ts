/**
 * `bandwatch eeprom --device SERIAL|PATH [--dump] [--json]` reads the dongle's EEPROM (rtl_eeprom layout);
 * `--write-serial NEW --yes-i-know` writes a new serial after saving the old contents to a backup file
 * (`--backup FILE`, default ./eeprom-backup-<serial>-<path>-<time>.bin), then reads back to verify.
 */
import { parseArgs } from 'node:util';
import { readFile, writeFile } from 'node:fs/promises';
import type { CliIo } from '../io.ts';
import { listDongles, selectDongle, type DongleList, type FoundDongle } from '../../../firmware-bridge/discovery.ts';
import { RtlSdr } from '../../../firmware-bridge/rtlsdr.ts';
import { DriverError } from '../../../firmware-bridge/errors.ts';
import { buildEeprom, parseEeprom, EEPROM_CONFIG_BYTES } from '../../../firmware-bridge/rtl2832u/eeprom.ts';

/** What the command needs from an opened dongle. */
export interface EepromDevice {
  readEeprom(offset?: number, length?: number): Promise<Uint8Array>;
  writeEeprom(data: Uint8Array, offset?: number): Promise<number>;
  close(): Promise<void>;
}

export interface EepromDeps {
  list: () => Promise<DongleList>;
  open: (d: FoundDongle) => Promise<EepromDevice>;
  now: () => Date;
}

const defaultDeps: EepromDeps = {
  list: () => listDongles(),
  open: (d) => RtlSdr.open(d.device),
  now: () => new Date(),
};

const HELP = `usage: bandwatch eeprom [--device SERIAL|PATH] [--dump] [--json]
       bandwatch eeprom --device SERIAL|PATH --write-serial NEW --yes-i-know [--backup FILE]

Read the RTL2832U EEPROM (VID/PID, strings, serial). --dump prints all 256 bytes in hex.
--write-serial changes the serial (like rtl_eeprom -s). The old EEPROM is first saved to --backup FILE
(default ./eeprom-backup-<serial>-<path>-<time>.bin). Replug the dongle afterwards.`;

export async function run(args: string[], io: CliIo, deps: EepromDeps = defaultDeps): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      device: { type: 'string', short: 'd' },
      dump: { type: 'boolean' },
      json: { type: 'boolean' },
      'write-serial': { type: 'string' },
      'yes-i-know': { type: 'boolean' },
      backup: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const newSerial = values['write-serial'];
  if (newSerial !== undefined && !values['yes-i-know']) {
    io.err(
      'bandwatch eeprom: writing the EEPROM can make a dongle unusable; add --yes-i-know to confirm (a backup is written first)',
    );
    return 2;
  }
  const { dongles, reason } = await deps.list();
  if (!dongles.length) {
    io.err(`bandwatch eeprom: no RTL-SDR dongle found: ${reason ?? 'none plugged in'}`);
    return 1;
  }
  let target: FoundDongle;
  if (values.device !== undefined) target = selectDongle(dongles, values.device);
  else if (dongles.length === 1) target = dongles[0] as FoundDongle;
  else {
    io.err(
      `bandwatch eeprom: ${dongles.length} dongles found; choose one with --device SERIAL|PATH (${dongles.map((d) => `${d.info.serial}@${d.info.path}`).join(', ')})`,
    );
    return 2;
  }

  const dev = await deps.open(target);
  try {
    const image = await dev.readEeprom(0, 256);
    const conf = parseEeprom(image);
    if (newSerial === undefined) {
      if (values.json) {
        io.out(
          JSON.stringify(
            { device: target.info, eeprom: conf, ...(values.dump ? { hex: Buffer.from(image).toString('hex') } : {}) },
            null,
            2,
          ),
        );
      } else {
        printConfig(io, conf, target);
        if (values.dump) printDump(io, image);
      }
      return 0;
    }

    if (!conf.validHeader) {
      throw new DriverError(
        'BW_ERR_EEPROM',
        'the EEPROM has no RTL2832U header (0x28 0x32); refusing to write a serial into it',
      );
    }
    const next = buildEeprom({ ...conf, serial: newSerial, haveSerial: true }, image);
    const stamp = deps.now().toISOString().replace(/[:.]/g, '-');
    const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_') || 'none';
    const backupFile = values.backup ?? `eeprom-backup-${safe(conf.serial)}-${safe(target.info.path)}-${stamp}.bin`;
    // 'wx': never overwrite an earlier backup. Read it back before touching the EEPROM.
    await writeFile(backupFile, image, { flag: 'wx' });
    const check = await readFile(backupFile);
    if (!check.equals(Buffer.from(image)))
      throw new DriverError('BW_ERR_EEPROM', `backup ${backupFile} did not read back identically; EEPROM not written`);
    io.out(`Backup of the old EEPROM (256 bytes) written to ${backupFile}`);

    const written = await dev.writeEeprom(next.slice(0, EEPROM_CONFIG_BYTES), 0);
    const after = parseEeprom(await dev.readEeprom(0, 256));
    if (after.serial !== newSerial) {
      throw new DriverError(
        'BW_ERR_EEPROM',
        `serial read back as '${after.serial}', expected '${newSerial}'; restore with the backup ${backupFile}`,
      );
    }
    io.out(
      `Serial changed from '${conf.serial}' to '${newSerial}' (${written} byte(s) written). Replug the dongle for the change to take effect.`,
    );
    return 0;
  } finally {
    await dev.close();
  }
}

function printConfig(io: CliIo, c: ReturnType<typeof parseEeprom>, d: FoundDongle): void {
  io.out(`EEPROM of ${d.info.name} at ${d.info.path || '(unknown path)'}:`);
  if (!c.validHeader) io.out('  warning: no RTL2832U header (0x28 0x32): blank or foreign EEPROM');
  io.out(`  Vendor ID:        0x${c.vendorId.toString(16).padStart(4, '0')}`);
  io.out(`  Product ID:       0x${c.productId.toString(16).padStart(4, '0')}`);
  io.out(`  Manufacturer:     ${c.manufacturer}`);
  io.out(`  Product:          ${c.product}`);
  io.out(`  Serial number:    ${c.serial}`);
  io.out(`  Serial enabled:   ${c.haveSerial ? 'yes' : 'no'}`);
  io.out(`  IR endpoint:      ${c.enableIr ? 'yes' : 'no'}`);
  io.out(`  Remote wakeup:    ${c.remoteWakeup ? 'yes' : 'no'}`);
}

function printDump(io: CliIo, b: Uint8Array): void {
  for (let off = 0; off < b.length; off += 16) {
    const row = [...b.slice(off, off + 16)];
    const ascii = row.map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
    io.out(
      `  ${off.toString(16).padStart(2, '0')}: ${row.map((x) => x.toString(16).padStart(2, '0')).join(' ')}  ${ascii}`,
    );
  }
}
