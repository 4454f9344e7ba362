/**
 * Demo: serve a virtual dongle (demo venue scene, real RtlSdr driver) over rtl_tcp so SDR++ / GQRX / SDR# can
 * look at it.
 *
 *   node --import tsx firmware-bridge/rtltcp/serve-virtual.ts [--port 1234] [--host 127.0.0.1] [--ppm 0]
 *
 * Ctrl-C stops it. Listens on loopback unless --host says otherwise.
 */
import { parseArgs } from 'node:util';
import { RtlSdr } from '../rtlsdr.ts';
import { VirtualRtlSdr } from '../virtual/virtual-dongle.ts';
import { RtlTcpServer } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '1234' },
    host: { type: 'string', default: '127.0.0.1' },
    ppm: { type: 'string', default: '0' },
    serial: { type: 'string', default: '00000001' },
  },
});
const port = Number(values.port);
const ppm = Number(values.ppm);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port ${values.port} is not a port`);
if (!Number.isFinite(ppm)) throw new RangeError(`--ppm ${values.ppm} is not a number`);

const dongle = new VirtualRtlSdr({ serial: values.serial, xtalErrorPpm: ppm });
const sdr = await RtlSdr.open(dongle);
const server = await RtlTcpServer.create({
  device: sdr,
  host: values.host,
  port,
  log: (level, message) => process.stderr.write(`[${level}] ${message}\n`),
});
process.stderr.write(`rtl_tcp: virtual ${sdr.tunerType} dongle on ${values.host}:${server.port}\n`);
process.once('SIGINT', () => {
  void server
    .close()
    .then(() => sdr.close())
    .finally(() => process.exit(0));
});
