import type { PackageRecord, Warning } from '../../core/types.js';
import { type CentralDirectory, readCentralDirectory, readZipEntry, type ZipEntry } from '../../core/zip.js';
import type { FileFacts } from '../types.js';
import { hasJavaArchiveExtension } from './archive-name.js';
import { identifyArchive } from './identify.js';

export interface JavaArchiveLimits {
  /** Levels of nested archives opened below the scanned file (`a.ear!/b.war!/c.jar` is depth 2). */
  maxDepth: number;
  /** Uncompressed bytes extracted in all, over every nesting level: the zip bomb stop. */
  maxExtractedBytes: number;
}

export const DEFAULT_LIMITS: JavaArchiveLimits = { maxDepth: 4, maxExtractedBytes: 512 * 1024 * 1024 };

/** pom.properties and MANIFEST.MF are a few hundred bytes; larger ones are not read. */
const MAX_METADATA_FILE = 1024 * 1024;
const MANIFEST = 'META-INF/MANIFEST.MF';
const MAVEN_DIR = 'META-INF/maven/';
const POM_PROPERTIES = '/pom.properties';
/** `!/` joins the nesting levels of a location, as in Java's `jar:` URLs. */
const NESTING = '!/';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Maven packages in a Java archive and in the archives nested inside it (`WEB-INF/lib/*.jar`,
 * `BOOT-INF/lib/*.jar`, modules of an ear). Damage is reported as warnings, never thrown.
 */
export function scanJavaArchive(
  content: Buffer,
  path: string,
  limits: JavaArchiveLimits = DEFAULT_LIMITS,
): FileFacts {
  const scan = new ArchiveScan(path, limits);
  scan.visit(content, path, 0);
  return scan.facts();
}

class ArchiveScan {
  private readonly packages: PackageRecord[] = [];
  private readonly warnings: Warning[] = [];
  private incomplete = false;
  private bytesLeft: number;
  /** Set once the extraction budget is spent: nothing more is read. */
  private exhausted = false;

  constructor(
    private readonly path: string,
    private readonly limits: JavaArchiveLimits,
  ) {
    this.bytesLeft = limits.maxExtractedBytes;
  }

  facts(): FileFacts {
    return {
      packages: this.packages,
      ...(this.warnings.length > 0 ? { warnings: this.warnings } : {}),
      ...(this.incomplete ? { incomplete: true } : {}),
    };
  }

  visit(zip: Buffer, location: string, depth: number): void {
    let directory: CentralDirectory;
    try {
      directory = readCentralDirectory(zip);
    } catch (err) {
      this.warn('PARSE_ERROR', `${location}: unreadable zip archive: ${message(err)}`);
      return;
    }
    if (directory.problem) {
      this.warn('PARSE_ERROR', `${location}: ${directory.problem}; later entries not read`);
      this.incomplete = true;
    }
    const poms: ZipEntry[] = [];
    const nested: ZipEntry[] = [];
    let manifest: ZipEntry | undefined;
    for (const entry of directory.entries) {
      if (entry.name.startsWith(MAVEN_DIR) && entry.name.endsWith(POM_PROPERTIES)) poms.push(entry);
      else if (entry.name.toUpperCase() === MANIFEST) manifest ??= entry;
      else if (hasJavaArchiveExtension(entry.name)) nested.push(entry);
    }
    this.identify(zip, location, poms, manifest);
    for (const entry of nested) {
      if (this.exhausted) return;
      const nestedLocation = `${location}${NESTING}${entry.name}`;
      if (depth >= this.limits.maxDepth) {
        this.warn(
          'PARSE_ERROR',
          `${nestedLocation}: nested more than ${this.limits.maxDepth} levels deep; not opened`,
        );
        continue;
      }
      const bytes = this.extract(zip, entry, location);
      if (bytes) this.visit(bytes, nestedLocation, depth + 1);
    }
  }

  private identify(zip: Buffer, location: string, poms: ZipEntry[], manifest: ZipEntry | undefined): void {
    const text = (entry: ZipEntry) => this.extractMetadata(zip, entry, location)?.toString('utf8');
    const pomProperties = poms.map(text).filter((body): body is string => body !== undefined);
    const manifestText = manifest && text(manifest);
    const fileName = location.slice(location.lastIndexOf('/') + 1);
    for (const identity of identifyArchive({
      pomProperties,
      ...(manifestText !== undefined ? { manifest: manifestText } : {}),
      fileName,
    })) {
      this.packages.push({ ...identity, type: 'maven', location, foundBy: 'java' });
    }
  }

  private extractMetadata(zip: Buffer, entry: ZipEntry, location: string): Buffer | undefined {
    if (entry.size > MAX_METADATA_FILE) {
      this.warn(
        'PARSE_ERROR',
        `${location}${NESTING}${entry.name}: ${entry.size} bytes is too large for a metadata file; not read`,
      );
      return undefined;
    }
    return this.extract(zip, entry, location);
  }

  /** Reads one entry within the remaining budget; the first entry that would exceed it stops the scan. */
  private extract(zip: Buffer, entry: ZipEntry, location: string): Buffer | undefined {
    if (this.exhausted) return undefined;
    if (entry.size > this.bytesLeft) {
      this.exhausted = true;
      this.incomplete = true;
      this.warn(
        'DECOMPRESSION_BOMB',
        `${location}${NESTING}${entry.name}: declares ${entry.size} uncompressed bytes, beyond the ` +
          `${this.limits.maxExtractedBytes} bytes read per archive; stopped reading`,
      );
      return undefined;
    }
    try {
      const bytes = readZipEntry(zip, entry);
      this.bytesLeft -= bytes.length;
      return bytes;
    } catch (err) {
      this.warn('PARSE_ERROR', `${location}: ${message(err)}`);
      return undefined;
    }
  }

  private warn(code: string, text: string): void {
    this.warnings.push({ code, message: text, file: this.path });
  }
}
