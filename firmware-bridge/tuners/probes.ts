/**
 * Tuner probes in librtlsdr 0.6's order. The first match wins; a probe without `create` identifies a tuner
 * this driver does not drive (reported as BW_ERR_TUNER_UNSUPPORTED rather than silently misused).
 */
import type { TunerProbe } from './tuner.ts';
import { R820t, R820T_I2C_ADDR } from './r820t.ts';
import { R828d, R828dBlogV4, R828D_I2C_ADDR, isBlogV4 } from './r828d.ts';

const R82XX_CHECK_REG = 0x00;
const R82XX_CHECK_VAL = 0x69;

export const TUNER_PROBES: readonly TunerProbe[] = [
  { type: 'E4000', name: 'Elonics E4000', i2cAddress: 0xc8, checkRegister: 0x02, matches: (v) => v === 0x40 },
  { type: 'FC0013', name: 'Fitipower FC0013', i2cAddress: 0xc6, checkRegister: 0x00, matches: (v) => v === 0xa3 },
  {
    type: 'R820T',
    name: 'Rafael Micro R820T',
    i2cAddress: R820T_I2C_ADDR,
    checkRegister: R82XX_CHECK_REG,
    matches: (v) => v === R82XX_CHECK_VAL,
    create: (host, o) => new R820t(host, o.rtlXtalHz),
  },
  {
    type: 'R828D',
    name: 'Rafael Micro R828D',
    i2cAddress: R828D_I2C_ADDR,
    checkRegister: R82XX_CHECK_REG,
    matches: (v) => v === R82XX_CHECK_VAL,
    create: (host, o) => (isBlogV4(o.manufacturer, o.product) ? new R828dBlogV4(host, o.rtlXtalHz) : new R828d(host)),
  },
  {
    type: 'FC2580',
    name: 'FCI FC2580',
    i2cAddress: 0xac,
    checkRegister: 0x01,
    matches: (v) => (v & 0x7f) === 0x56,
    resetTunerBefore: true,
  },
  { type: 'FC0012', name: 'Fitipower FC0012', i2cAddress: 0xc6, checkRegister: 0x00, matches: (v) => v === 0xa1 },
];
