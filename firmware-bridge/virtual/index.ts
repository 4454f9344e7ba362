/** The register-level virtual RTL-SDR: USBDevice, registry, register models, signal sources. See docs/firmware-bridge-virtual.md. */
export { VirtualRtlSdr, UsbTransferError, RTL_BULK_ENDPOINT, type VirtualDongleOptions } from './virtual-dongle.ts';
export { VirtualUsb, VirtualUsbConnectionEvent } from './virtual-usb.ts';
export { Rtl2832uModel, RTL_XTAL_NOMINAL_HZ, type VirtualRadioState } from './rtl2832u-model.ts';
export { R82xxModel, R82XX_I2C_ADDRESS, bitReverse8, type R82xxChip, type R82xxDerived } from './r82xx-model.ts';
export { buildEeprom, parseEeprom, EepromModel, type EepromContent } from './eeprom.ts';
export {
  ToneTestSource,
  DEFAULT_TEST_TONES,
  INPUT_DBM_TO_DBFS_AT_0DB,
  type IqSignalSource,
  type SignalRenderRequest,
  type SourceState,
  type TestTone,
} from './signal-source.ts';
export { SceneSource, SCENE_REFERENCE_GAIN_DB, defaultVenueSource } from './scene-source.ts';
export { ManualClock, realClock, type VirtualClock } from './clock.ts';
export { ReferenceProgrammer } from './reference-programmer.ts';
export { parseTrace, type TraceTransfer } from './trace.ts';
export type { StreamStats } from './stream-engine.ts';
