/**
 * Readers for the loosely typed fields npm manifests and lock files share. Values come from untrusted
 * JSON, so every reader checks types and returns undefined for anything it does not recognise.
 */
import { isObject } from '../../core/json-shape.js';

/** `license` as a string or `{type}`, or the legacy `licenses` array of strings or `{type}` objects. */
export function readLicenses(license: unknown, legacyLicenses?: unknown): string[] | undefined {
  const single = licenseName(license);
  if (single) return [single];
  if (!Array.isArray(legacyLicenses)) return undefined;
  const names = legacyLicenses.map(licenseName).filter((name): name is string => name !== undefined);
  return names.length > 0 ? [...new Set(names)] : undefined;
}

function licenseName(value: unknown): string | undefined {
  if (typeof value === 'string') return nonEmpty(value);
  if (isRecord(value) && typeof value.type === 'string') return nonEmpty(value.type);
  return undefined;
}

/** `author` as `"Name <email> (url)"` (kept as written) or `{name, email}` (rendered `Name <email>`). */
export function readAuthor(author: unknown): string | undefined {
  if (typeof author === 'string') return nonEmpty(author);
  if (!isRecord(author)) return undefined;
  const name = typeof author.name === 'string' ? nonEmpty(author.name) : undefined;
  const email = typeof author.email === 'string' ? nonEmpty(author.email) : undefined;
  if (name && email) return `${name} <${email}>`;
  return name ?? email;
}

/** A JSON object (not null, not an array). */
export const isRecord = isObject;

function nonEmpty(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Decodes a JSON document, tolerating the UTF-8 byte order mark some editors write. */
export function parseJson(content: Buffer): unknown {
  const text = content.toString('utf8');
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
