/**
 * Orders strings by UTF-16 code units: the same on every machine and locale (output must be
 * reproducible), and it avoids loading ICU's collation data, which `localeCompare` does.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
