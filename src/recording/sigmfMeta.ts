/**
 * SigMF metadata: types, the validator (required fields, ordering rules, datatype ABNF, annotation edge pairs)
 * and the checks of metadata against the data file's size. Every failure is a RecordingError whose code names
 * the problem and whose location names the file and the field (e.g. `captures[2].core:sample_start`).
 */
import { RecordingError } from '../errors.ts';

/** Sample formats we read and write (IqBlock['format']). */
export type IqFormat = 'cu8' | 'ci8' | 'ci16_le' | 'cf32_le';

export const SUPPORTED_DATATYPES: readonly IqFormat[] = ['cu8', 'ci8', 'ci16_le', 'cf32_le'];

/**
 * SigMF datatype ABNF: `(real / complex) ((type endianness) / byte)`; type = f32/f64/i32/i16/u32/u16,
 * endianness = _le/_be, byte = i8/u8 (no endianness for bytes).
 */
export const DATATYPE_RE = /^[rc]((f32|f64|i32|i16|u32|u16)_(le|be)|i8|u8)$/;

/** Bytes of one complex sample in each supported format. */
export const BYTES_PER_SAMPLE: Record<IqFormat, number> = { cu8: 2, ci8: 2, ci16_le: 4, cf32_le: 8 };

export const RECORDING_ERRORS = {
  json: 'BW_ERR_SIGMF_META_JSON',
  missing: 'BW_ERR_SIGMF_MISSING_FIELD',
  badField: 'BW_ERR_SIGMF_BAD_FIELD',
  datatypeUnknown: 'BW_ERR_SIGMF_DATATYPE_UNKNOWN',
  datatypeUnsupported: 'BW_ERR_SIGMF_DATATYPE_UNSUPPORTED',
  unsorted: 'BW_ERR_SIGMF_UNSORTED',
  edgePair: 'BW_ERR_SIGMF_EDGE_PAIR',
  unsupported: 'BW_ERR_SIGMF_UNSUPPORTED',
  dataMissing: 'BW_ERR_SIGMF_DATA_MISSING',
  dataSize: 'BW_ERR_SIGMF_DATA_SIZE',
  mismatch: 'BW_ERR_SIGMF_META_DATA_MISMATCH',
  truncated: 'BW_ERR_SIGMF_TRUNCATED',
} as const;

export interface SigmfCapture {
  'core:sample_start': number;
  'core:frequency'?: number;
  'core:datetime'?: string;
  'core:global_index'?: number;
  'core:header_bytes'?: number;
  [key: string]: unknown;
}

export interface SigmfAnnotation {
  'core:sample_start': number;
  'core:sample_count'?: number;
  'core:freq_lower_edge'?: number;
  'core:freq_upper_edge'?: number;
  'core:label'?: string;
  'core:comment'?: string;
  'core:generator'?: string;
  'core:uuid'?: string;
  [key: string]: unknown;
}

export interface SigmfGlobal {
  'core:datatype': string;
  'core:version': string;
  'core:sample_rate'?: number;
  'core:num_channels'?: number;
  'core:hw'?: string;
  'core:recorder'?: string;
  'core:author'?: string;
  'core:description'?: string;
  [key: string]: unknown;
}

export interface SigmfMeta {
  global: SigmfGlobal;
  captures: SigmfCapture[];
  annotations: SigmfAnnotation[];
}

export interface ValidatedMeta {
  meta: SigmfMeta;
  format: IqFormat;
  /** Non-fatal findings (e.g. a label longer than the recommended 20 characters). */
  warnings: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Parses and validates `.sigmf-meta` text. `file` is only used in error locations. */
export function parseSigmfMeta(text: string, file?: string): ValidatedMeta {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    throw new RecordingError(RECORDING_ERRORS.json, `metadata is not valid JSON: ${(e as Error).message}`, {
      file,
      offset: m ? Number(m[1]) : undefined,
    });
  }
  return validateSigmfMeta(doc, file);
}

export function validateSigmfMeta(doc: unknown, file?: string): ValidatedMeta {
  const err = (code: string, field: string, msg: string): never => {
    throw new RecordingError(code, msg, { file, field });
  };
  if (!isObj(doc)) return err(RECORDING_ERRORS.badField, '(root)', 'metadata must be a JSON object');
  for (const k of ['global', 'captures', 'annotations'] as const) {
    if (!(k in doc)) err(RECORDING_ERRORS.missing, k, `required top-level '${k}' is missing`);
  }
  const g = doc.global;
  if (!isObj(g)) return err(RECORDING_ERRORS.badField, 'global', "'global' must be an object");
  if (!Array.isArray(doc.captures)) return err(RECORDING_ERRORS.badField, 'captures', "'captures' must be an array");
  if (!Array.isArray(doc.annotations)) {
    return err(RECORDING_ERRORS.badField, 'annotations', "'annotations' must be an array");
  }
  const warnings: string[] = [];

  const dt = g['core:datatype'];
  if (dt === undefined) err(RECORDING_ERRORS.missing, 'global.core:datatype', 'required core:datatype is missing');
  if (typeof dt !== 'string') return err(RECORDING_ERRORS.badField, 'global.core:datatype', 'must be a string');
  if (!DATATYPE_RE.test(dt)) {
    err(
      RECORDING_ERRORS.datatypeUnknown,
      'global.core:datatype',
      `'${dt}' is not a SigMF datatype (expected e.g. cu8, ci16_le, cf32_le)`,
    );
  }
  if (!(SUPPORTED_DATATYPES as readonly string[]).includes(dt)) {
    err(
      RECORDING_ERRORS.datatypeUnsupported,
      'global.core:datatype',
      `datatype '${dt}' is valid SigMF but not supported (supported: ${SUPPORTED_DATATYPES.join(', ')})`,
    );
  }
  const ver = g['core:version'];
  if (ver === undefined) err(RECORDING_ERRORS.missing, 'global.core:version', 'required core:version is missing');
  if (typeof ver !== 'string' || !/^\d+\.\d+\.\d+$/.test(ver)) {
    err(RECORDING_ERRORS.badField, 'global.core:version', `core:version must be "X.Y.Z", got ${JSON.stringify(ver)}`);
  }
  const rate = g['core:sample_rate'];
  if (rate !== undefined && !(typeof rate === 'number' && rate > 0 && Number.isFinite(rate))) {
    err(RECORDING_ERRORS.badField, 'global.core:sample_rate', `must be a positive number, got ${JSON.stringify(rate)}`);
  }
  const nch = g['core:num_channels'];
  if (nch !== undefined && nch !== 1) {
    if (!isCount(nch) || nch === 0)
      err(RECORDING_ERRORS.badField, 'global.core:num_channels', 'must be a positive integer');
    err(RECORDING_ERRORS.unsupported, 'global.core:num_channels', `${String(nch)} channels: only 1 is supported`);
  }

  let prev = -1;
  doc.captures.forEach((c: unknown, i: number) => {
    const at = `captures[${i}]`;
    if (!isObj(c)) return err(RECORDING_ERRORS.badField, at, 'capture must be an object');
    const s = c['core:sample_start'];
    if (s === undefined)
      err(RECORDING_ERRORS.missing, `${at}.core:sample_start`, 'required core:sample_start is missing');
    if (!isCount(s)) return err(RECORDING_ERRORS.badField, `${at}.core:sample_start`, 'must be a non-negative integer');
    if (s <= prev) {
      err(
        RECORDING_ERRORS.unsorted,
        `${at}.core:sample_start`,
        `captures must be sorted by core:sample_start (${s} after ${prev})`,
      );
    }
    prev = s;
    const f = c['core:frequency'];
    if (f !== undefined && (typeof f !== 'number' || !Number.isFinite(f))) {
      err(RECORDING_ERRORS.badField, `${at}.core:frequency`, 'must be a number (Hz)');
    }
    const d = c['core:datetime'];
    if (d !== undefined && (typeof d !== 'string' || !Number.isFinite(Date.parse(d)))) {
      err(RECORDING_ERRORS.badField, `${at}.core:datetime`, `not an ISO-8601 time: ${JSON.stringify(d)}`);
    }
    const hb = c['core:header_bytes'];
    if (hb !== undefined && hb !== 0)
      err(RECORDING_ERRORS.unsupported, `${at}.core:header_bytes`, 'capture headers are not supported');
  });

  prev = -1;
  doc.annotations.forEach((a: unknown, i: number) => {
    const at = `annotations[${i}]`;
    if (!isObj(a)) return err(RECORDING_ERRORS.badField, at, 'annotation must be an object');
    const s = a['core:sample_start'];
    if (s === undefined)
      err(RECORDING_ERRORS.missing, `${at}.core:sample_start`, 'required core:sample_start is missing');
    if (!isCount(s)) return err(RECORDING_ERRORS.badField, `${at}.core:sample_start`, 'must be a non-negative integer');
    if (s < prev) {
      err(
        RECORDING_ERRORS.unsorted,
        `${at}.core:sample_start`,
        `annotations must be sorted by core:sample_start (${s} after ${prev})`,
      );
    }
    prev = s;
    const n = a['core:sample_count'];
    if (n !== undefined && !isCount(n))
      err(RECORDING_ERRORS.badField, `${at}.core:sample_count`, 'must be a non-negative integer');
    const lo = a['core:freq_lower_edge'];
    const hi = a['core:freq_upper_edge'];
    if ((lo === undefined) !== (hi === undefined)) {
      const missing = lo === undefined ? 'core:freq_lower_edge' : 'core:freq_upper_edge';
      err(
        RECORDING_ERRORS.edgePair,
        `${at}.${missing}`,
        'core:freq_lower_edge and core:freq_upper_edge must be given together',
      );
    }
    if (lo !== undefined) {
      if (typeof lo !== 'number' || typeof hi !== 'number') {
        err(RECORDING_ERRORS.badField, `${at}.core:freq_lower_edge`, 'frequency edges must be numbers (Hz)');
      } else if (lo > hi) {
        err(RECORDING_ERRORS.badField, `${at}.core:freq_lower_edge`, `lower edge ${lo} Hz above upper edge ${hi} Hz`);
      }
    }
    const label = a['core:label'];
    if (label !== undefined && typeof label !== 'string')
      err(RECORDING_ERRORS.badField, `${at}.core:label`, 'must be a string');
    if (typeof label === 'string' && label.length > 20) {
      warnings.push(`${at}.core:label is ${label.length} characters (20 recommended)`);
    }
  });

  return { meta: doc as unknown as SigmfMeta, format: dt as IqFormat, warnings };
}

/**
 * Checks metadata against the data file size: whole samples only, captures and annotations inside the data,
 * and no fewer samples than the writer declared (`bandwatch:sample_count`). Returns the number of samples.
 */
export function checkDataSize(v: ValidatedMeta, dataBytes: number, files: { meta?: string; data?: string }): number {
  const bps = BYTES_PER_SAMPLE[v.format];
  if (dataBytes % bps !== 0) {
    throw new RecordingError(
      RECORDING_ERRORS.dataSize,
      `data size ${dataBytes} B is not a whole number of ${v.format} samples (${bps} B each): ` +
        `${dataBytes % bps} trailing byte(s), the file looks truncated`,
      { file: files.data, offset: dataBytes - (dataBytes % bps) },
    );
  }
  const total = dataBytes / bps;
  const declared = v.meta.global['bandwatch:sample_count'];
  if (typeof declared === 'number' && declared > total) {
    throw new RecordingError(
      RECORDING_ERRORS.truncated,
      `data has ${total} samples but the metadata declares ${declared}: the data file is truncated`,
      { file: files.data, field: 'global.bandwatch:sample_count', offset: dataBytes },
    );
  }
  v.meta.captures.forEach((c, i) => {
    if (c['core:sample_start'] > total || (c['core:sample_start'] === total && total > 0 && i > 0)) {
      throw new RecordingError(
        RECORDING_ERRORS.mismatch,
        `capture starts at sample ${c['core:sample_start']} but the data holds only ${total} samples`,
        { file: files.meta, field: `captures[${i}].core:sample_start` },
      );
    }
  });
  v.meta.annotations.forEach((a, i) => {
    const end = a['core:sample_start'] + (a['core:sample_count'] ?? 0);
    if (a['core:sample_start'] > total || end > total) {
      throw new RecordingError(
        RECORDING_ERRORS.mismatch,
        `annotation covers samples ${a['core:sample_start']}..${end} but the data holds only ${total} samples`,
        {
          file: files.meta,
          field: `annotations[${i}].${a['core:sample_start'] > total ? 'core:sample_start' : 'core:sample_count'}`,
        },
      );
    }
  });
  return total;
}
