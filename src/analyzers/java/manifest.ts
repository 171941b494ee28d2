/**
 * `META-INF/MANIFEST.MF` main section: `Name: value` headers, lines wrapped at 72 bytes with each
 * continuation line starting with one space. The main section ends at the first blank line.
 */
export function parseManifest(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let lastName: string | undefined;
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === '') break;
    if (line.startsWith(' ')) {
      if (lastName !== undefined) attributes.set(lastName, attributes.get(lastName) + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      lastName = undefined;
      continue;
    }
    lastName = line.slice(0, colon).trim().toLowerCase();
    attributes.set(lastName, line.slice(colon + 1).trim());
  }
  return attributes;
}
