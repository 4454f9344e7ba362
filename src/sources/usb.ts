/** Real RTL-SDR dongles over the `usb` package, opened with the firmware-bridge driver. */
import { RtlSdr } from '../../firmware-bridge/rtlsdr.ts';
import type { TunableIqDevice } from '../../firmware-bridge/types.ts';
import { findKnownDongle } from '../../firmware-bridge/device-table.ts';
import { ConfigError } from '../errors.ts';

interface UsbLikeDevice {
  vendorId: number;
  productId: number;
  serialNumber?: string;
}

/** Dongles on the bus (vendor/product in the known table). Never throws: no USB access = no dongles. */
export async function listUsbDongles(): Promise<USBDevice[]> {
  try {
    const usb = (await import('usb')) as unknown as {
      WebUSB: new (o: { allowAllDevices: boolean }) => { getDevices(): Promise<USBDevice[]> };
    };
    const webusb = new usb.WebUSB({ allowAllDevices: true });
    const devices = await webusb.getDevices();
    return devices.filter(
      (d) => findKnownDongle((d as UsbLikeDevice).vendorId, (d as UsbLikeDevice).productId) !== undefined,
    );
  } catch {
    return [];
  }
}

export async function openUsbDevice(serial?: string): Promise<TunableIqDevice> {
  const all = await listUsbDongles();
  const found = serial ? all.find((d) => d.serialNumber === serial) : all[0];
  if (!found) {
    throw new ConfigError(
      'BW_ERR_NO_DONGLE',
      serial ? `no RTL-SDR dongle with serial '${serial}'` : 'no RTL-SDR dongle found',
      { field: '--input' },
    );
  }
  return RtlSdr.open(found);
}
