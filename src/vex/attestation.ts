/**
 * VEX carried inside attestations: in-toto statements (`_type` https://in-toto.io/Statement/v0.1 or
 * v1) whose predicateType is an OpenVEX context (`https://openvex.dev/ns…`), bare or wrapped in a
 * DSSE envelope (`payloadType` + base64 `payload`), or in a Sigstore bundle's `dsseEnvelope`.
 * Signatures are not verified here: callers that need trust verify the envelope first.
 */
import { KeelsonError } from '../core/errors.js';
import type { Json } from './json.js';
import { OPENVEX_CONTEXT_PREFIX, openVexStatements } from './openvex.js';
import type { VexStatement } from './types.js';

export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isOpenVexPredicateType(type: unknown): boolean {
  return typeof type === 'string' && type.startsWith(OPENVEX_CONTEXT_PREFIX);
}

/** The in-toto statement inside a DSSE envelope or Sigstore bundle, or the value itself. */
export function unwrapEnvelope(doc: unknown, file: string): unknown {
  let value = doc;
  if (isObject(value) && isObject(value.dsseEnvelope)) value = value.dsseEnvelope;
  if (!isObject(value) || typeof value.payload !== 'string' || typeof value.payloadType !== 'string')
    return value;
  if (value.payloadType !== IN_TOTO_PAYLOAD_TYPE && !value.payloadType.includes('in-toto')) {
    throw new KeelsonError(
      'PARSE_ERROR',
      `DSSE payloadType ${value.payloadType.slice(0, 100)} is not in-toto`,
      {
        file,
      },
    );
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(value.payload)) {
    throw new KeelsonError('PARSE_ERROR', 'DSSE payload is not base64', { file });
  }
  const text = Buffer.from(value.payload, 'base64').toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KeelsonError('PARSE_ERROR', 'DSSE payload is not JSON', { file }, { cause: err });
  }
}

/** True for an in-toto statement (bare or enveloped) — whatever its predicate. */
export function isAttestation(doc: unknown): boolean {
  if (!isObject(doc)) return false;
  if (isObject(doc.dsseEnvelope)) return true;
  if (typeof doc.payload === 'string' && typeof doc.payloadType === 'string') return true;
  return typeof doc._type === 'string' && doc._type.startsWith('https://in-toto.io/Statement');
}

/**
 * OpenVEX statements from an attestation; [] when the attestation carries another predicate (SBOM,
 * provenance). Throws PARSE_ERROR when the envelope or the VEX predicate is broken.
 */
export function attestationStatements(doc: unknown, file: string, origin: string): VexStatement[] {
  const statement = unwrapEnvelope(doc, file);
  if (!isObject(statement) || typeof statement._type !== 'string') {
    throw new KeelsonError('PARSE_ERROR', 'attestation payload is not an in-toto statement', { file });
  }
  if (!isOpenVexPredicateType(statement.predicateType)) return [];
  return openVexStatements(statement.predicate, file, { origin });
}
