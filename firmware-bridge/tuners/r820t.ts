/** Rafael Micro R820T / R820T2 at I2C 0x34, clocked from the RTL2832U's 28.8 MHz crystal. */
import { R82xx } from './r82xx.ts';
import type { TunerHost } from './tuner.ts';

export const R820T_I2C_ADDR = 0x34;

export class R820t extends R82xx {
  constructor(host: TunerHost, rtlXtalHz: number) {
    super(
      host,
      {
        type: 'R820T',
        name: 'Rafael Micro R820T',
        i2cAddress: R820T_I2C_ADDR,
        vcoPowerRef: 2,
        ownXtalHz: undefined,
        minFrequencyHz: 24_000_000,
        maxFrequencyHz: 1_766_000_000,
      },
      rtlXtalHz,
    );
  }
}
