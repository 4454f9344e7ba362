/**
 * Base of the bridge's typed errors. The bridge sits below the application, so it does not import `src/errors.ts`;
 * its errors have the same shape (a stable `BW_ERR_*` code and an optional location), which is what the CLI and
 * the API check for (`isTypedError` in src/errors.ts).
 */
export interface BridgeErrorLocation {
  /** Byte offset in a data stream (rtl_tcp) where the problem was seen. */
  offset?: number;
  field?: string;
}

export class BridgeError extends Error {
  readonly code: string;
  readonly location?: BridgeErrorLocation;
  constructor(code: string, message: string, location?: BridgeErrorLocation, options?: { cause?: unknown }) {
    const where = [
      location?.field && `field '${location.field}'`,
      location?.offset !== undefined && `byte ${location.offset}`,
    ]
      .filter(Boolean)
      .join(', ');
    super(where ? `${where}: ${message}` : message, options);
    this.name = new.target.name;
    this.code = code;
    this.location = location;
  }
}
