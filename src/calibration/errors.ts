/**
 * Why a calibration run refused to give a figure. Codes (documented in docs/calibration.md, to be listed in
 * docs/errors.md): BW_ERR_CALIBRATION_OUT_OF_BAND (the reference is not inside the captured band),
 * BW_ERR_CALIBRATION_NO_LINE (no line ≥ the SNR threshold in the search window, or too little input to average).
 */
import { BandwatchError, type ErrorLocation } from '../errors.ts';

export type CalibrationErrorCode = 'BW_ERR_CALIBRATION_OUT_OF_BAND' | 'BW_ERR_CALIBRATION_NO_LINE';

export class CalibrationError extends BandwatchError {
  constructor(code: CalibrationErrorCode, message: string, location?: ErrorLocation) {
    super(code, message, location);
  }
}
