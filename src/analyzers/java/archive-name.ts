const EXTENSIONS = new Set(['jar', 'war', 'ear', 'jpi', 'hpi']);

/** `.jar`, `.war`, `.ear`, `.jpi`, `.hpi` in any case; cheap enough for every path of every layer. */
export function hasJavaArchiveExtension(name: string): boolean {
  return (
    name.length > 4 &&
    name.charCodeAt(name.length - 4) === 0x2e &&
    EXTENSIONS.has(name.slice(-3).toLowerCase())
  );
}
