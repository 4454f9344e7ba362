/**
 * Ground truth carried by a SigMF recording: every annotation with a `bandwatch:truth` object is one event the
 * alarm engine should report (see docs/recording.md, "Ground-truth annotations"). Other annotations (the ones
 * Bandwatch writes for alarms and evidence, or another tool's) are not truth and are ignored.
 */
import { RecordingError } from '../errors.ts';
import { segmentAt, type SigmfRecording } from '../recording/sigmfReader.ts';
import { RECORDING_ERRORS, type SigmfAnnotation } from '../recording/sigmfMeta.ts';
import { JAMMER_TYPES, TRUTH_KINDS, type JammerType, type TruthEvent, type TruthKind } from './score.ts';

/** The annotation key of a truth object. */
export const TRUTH_KEY = 'bandwatch:truth';

/** The `bandwatch:truth` object of an annotation. */
export interface TruthObject {
  kind: TruthKind;
  jammerType?: JammerType;
  /** Assignment id of the plan that interference / over-power / out-of-mask alarms must name. */
  assignment?: string;
  /**
   * The emission's measured 99 % occupied bandwidth, Hz, when known: the reference for the OBW error (the
   * annotation's edges, used for matching, may be a nominal or generous band).
   */
  obwHz?: number;
}

/** A truth event read from a recording, with the annotation it came from. */
export interface AnnotatedTruth extends TruthEvent {
  /** Index in the metadata's `annotations` array. */
  annotationIndex: number;
}

/** The annotation for one event, as `scripts/venue-record.ts` and a hand annotator write it (example in errors). */
const EXAMPLE =
  '{"core:sample_start": N, "core:sample_count": M, "core:freq_lower_edge": HZ, "core:freq_upper_edge": HZ, ' +
  '"core:label": "name", "bandwatch:truth": {"kind": "unlicensed-emitter"}}';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks one `bandwatch:truth` value. `field` names it in errors (e.g. `annotations[3].bandwatch:truth`).
 * Throws RecordingError BW_ERR_SIGMF_BAD_FIELD naming the offending member.
 */
export function parseTruthObject(v: unknown, field: string, file?: string): TruthObject {
  const bad = (member: string, msg: string): never => {
    throw new RecordingError(RECORDING_ERRORS.badField, msg, { file, field: member ? `${field}.${member}` : field });
  };
  if (!isObj(v))
    return bad('', `must be an object like {"kind": "jamming", "jammerType": "cw"}, got ${JSON.stringify(v)}`);
  for (const k of Object.keys(v))
    if (k !== 'kind' && k !== 'jammerType' && k !== 'assignment' && k !== 'obwHz')
      bad(k, `unknown member '${k}' (a truth object has kind, jammerType, assignment, obwHz)`);
  const kind = v['kind'];
  if (kind === undefined)
    throw new RecordingError(RECORDING_ERRORS.missing, `a truth object needs a kind (${TRUTH_KINDS.join(', ')})`, {
      file,
      field: `${field}.kind`,
    });
  if (typeof kind !== 'string' || !(TRUTH_KINDS as readonly string[]).includes(kind))
    bad('kind', `kind must be one of ${TRUTH_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  const out: TruthObject = { kind: kind as TruthKind };
  const jt = v['jammerType'];
  if (jt !== undefined) {
    if (kind !== 'jamming') bad('jammerType', `jammerType is only for kind "jamming" (kind is "${String(kind)}")`);
    if (typeof jt !== 'string' || !(JAMMER_TYPES as readonly string[]).includes(jt))
      bad('jammerType', `jammerType must be one of ${JAMMER_TYPES.join(', ')}, got ${JSON.stringify(jt)}`);
    out.jammerType = jt as JammerType;
  }
  const asg = v['assignment'];
  if (asg !== undefined) {
    if (typeof asg !== 'string' || !asg)
      bad('assignment', `assignment must be a plan assignment id, got ${JSON.stringify(asg)}`);
    out.assignment = asg as string;
  }
  const obw = v['obwHz'];
  if (obw !== undefined) {
    if (typeof obw !== 'number' || !(obw > 0) || !Number.isFinite(obw))
      bad('obwHz', `obwHz must be a positive number of Hz, got ${JSON.stringify(obw)}`);
    out.obwHz = obw as number;
  }
  return out;
}

/** Seconds from the recording's first sample to `sample` (through the captures' times, so gaps count). */
export function recordingTimeS(
  rec: Pick<SigmfRecording, 'segments' | 'sampleRateHz' | 'startMs'>,
  sample: number,
): number {
  const seg = segmentAt(rec as SigmfRecording, sample);
  return (seg.timeMs + ((sample - seg.sampleStart) / rec.sampleRateHz) * 1000 - rec.startMs) / 1000;
}

/**
 * The truth events of an opened (validated) recording, in annotation order. Throws RecordingError when a truth
 * annotation is incomplete or its truth object is malformed (the location names the annotation and field), or
 * when the recording has no truth annotation at all (the message says how to add one).
 */
export function truthEvents(
  rec: Pick<SigmfRecording, 'meta' | 'metaPath' | 'segments' | 'sampleRateHz' | 'startMs'>,
): AnnotatedTruth[] {
  const file = rec.metaPath;
  const out: AnnotatedTruth[] = [];
  rec.meta.annotations.forEach((a: SigmfAnnotation, i) => {
    if (!(TRUTH_KEY in a)) return;
    const at = `annotations[${i}]`;
    const t = parseTruthObject(a[TRUTH_KEY], `${at}.${TRUTH_KEY}`, file);
    const need = (k: keyof SigmfAnnotation & string, why: string): number => {
      const x = a[k];
      if (typeof x !== 'number')
        throw new RecordingError(RECORDING_ERRORS.missing, `a truth annotation needs ${k} (${why})`, {
          file,
          field: `${at}.${k}`,
        });
      return x;
    };
    const start = a['core:sample_start'];
    const count = need('core:sample_count', 'how long the event lasts, samples');
    if (count === 0)
      throw new RecordingError(RECORDING_ERRORS.badField, 'a truth event must last at least one sample', {
        file,
        field: `${at}.core:sample_count`,
      });
    const lo = need('core:freq_lower_edge', 'the low edge of the emission, Hz');
    const hi = need('core:freq_upper_edge', 'the high edge of the emission, Hz');
    const label = a['core:label'];
    out.push({
      kind: t.kind,
      emitterId: typeof label === 'string' && label ? label : at,
      ...(t.jammerType ? { jammerType: t.jammerType } : {}),
      ...(t.assignment ? { assignmentId: t.assignment } : {}),
      ...(t.obwHz !== undefined ? { obwHz: t.obwHz } : {}),
      centerHz: (lo + hi) / 2,
      bandwidthHz: hi - lo,
      startS: recordingTimeS(rec, start),
      endS: recordingTimeS(rec, start + count),
      annotationIndex: i,
    });
  });
  if (!out.length)
    throw new RecordingError(
      RECORDING_ERRORS.missing,
      `no ground-truth annotation: none of the ${rec.meta.annotations.length} annotation(s) has a '${TRUTH_KEY}' ` +
        `object. Add one annotation per event the monitor should alarm on, e.g. ${EXAMPLE} ` +
        `(kinds: ${TRUTH_KINDS.join(', ')}; see docs/recording.md "Ground-truth annotations")`,
      { file, field: `annotations[*].${TRUTH_KEY}` },
    );
  return out;
}
