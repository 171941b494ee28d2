import type { FileFacts } from '../types.js';

/**
 * Python core metadata (`METADATA`, `PKG-INFO`, distutils `.egg-info` files): RFC 822 style headers,
 * then an optional body (the long description) after the first blank line.
 */

/** Header values by lower-cased field name, in file order; repeated fields (Classifier) keep every value. */
export type CoreMetadataHeaders = Map<string, string[]>;

export function parseHeaders(text: string): CoreMetadataHeaders {
  const headers: CoreMetadataHeaders = new Map();
  let current: string[] | undefined;
  for (const line of text.split(/\r\n|\n|\r/)) {
    // Only an empty line ends the headers; an indented blank line continues a multi-line value.
    if (line === '') break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (current && current.length > 0) current[current.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      current = undefined;
      continue;
    }
    const field = line.slice(0, colon).trim().toLowerCase();
    current = headers.get(field) ?? [];
    headers.set(field, current);
    current.push(line.slice(colon + 1).trim());
  }
  return headers;
}

function first(headers: CoreMetadataHeaders, field: string): string | undefined {
  const value = headers.get(field)?.[0]?.trim();
  return value && value !== 'UNKNOWN' ? value : undefined;
}

const LICENSE_CLASSIFIER = 'License :: ';

/**
 * License-Expression (PEP 639) wins; then a one-line License field (many projects paste the whole
 * licence text there, which names nothing); then the `License :: … :: X` trove classifiers.
 */
export function licensesOf(headers: CoreMetadataHeaders): string[] | undefined {
  const expression = first(headers, 'license-expression');
  if (expression) return [expression];
  const license = first(headers, 'license');
  if (license && !license.includes('\n')) return [license];
  const fromClassifiers = (headers.get('classifier') ?? [])
    .filter((classifier) => classifier.startsWith(LICENSE_CLASSIFIER))
    .map((classifier) => classifier.split('::').at(-1)?.trim() ?? '')
    .filter((name) => name !== '' && name !== 'OSI Approved');
  return fromClassifiers.length > 0 ? [...new Set(fromClassifiers)] : undefined;
}

/** Author, with Author-email when that is a bare address; Author-email alone may already read `Name <addr>`. */
export function supplierOf(headers: CoreMetadataHeaders): string | undefined {
  const author = first(headers, 'author');
  const email = first(headers, 'author-email');
  if (author && email && !email.includes('<') && !email.includes(',')) return `${author} <${email}>`;
  return author ?? email;
}

/** One Python distribution from its core metadata file. */
export function parseCoreMetadata(content: Buffer, path: string): FileFacts {
  const headers = parseHeaders(content.toString('utf8'));
  const name = first(headers, 'name');
  const version = first(headers, 'version');
  if (!name || !version) {
    const missing = [name ? undefined : 'Name', version ? undefined : 'Version']
      .filter(Boolean)
      .join(' and ');
    return { warnings: [{ code: 'PARSE_ERROR', message: `Python metadata lacks ${missing}`, file: path }] };
  }
  const licenses = licensesOf(headers);
  const supplier = supplierOf(headers);
  return {
    packages: [
      {
        name,
        version,
        type: 'pypi',
        ...(licenses ? { licenses } : {}),
        ...(supplier ? { supplier } : {}),
        location: path,
        foundBy: 'python',
      },
    ],
  };
}
