/**
 * Progress events the library reports while it works, for a caller that wants to show them (the CLI's
 * terminal bars, `--debug` logs). Byte counts are cumulative per layer, so a consumer may drop any
 * event and still draw the right state from the next one.
 */
export type ProgressEvent =
  /** Inventorying a target begins / ends. */
  | { type: 'inventory'; state: 'start'; target: string }
  | { type: 'inventory'; state: 'end'; target: string; packages: number }
  /** The image is open: its layers are known. `size` is each layer's stored (usually compressed) size. */
  | { type: 'image'; target: string; layers: readonly LayerProgressInfo[] }
  /** Whether the whole inventory came from the image cache (sent only when that cache is in use). */
  | { type: 'image-cache'; hit: boolean }
  /** A layer's analysis begins (not sent for a layer served from the layer cache). */
  | { type: 'layer-start'; index: number; digest: string; size?: number }
  /** Bytes of a layer's blob received from a registry so far (`total` when the manifest says). */
  | { type: 'download'; index: number; bytes: number; total?: number }
  /** Stored bytes consumed and uncompressed bytes walked so far in a layer. */
  | { type: 'analyze'; index: number; read: number; walked: number }
  /** A layer is done: analysed now, or served from the layer cache (`cached`). */
  | { type: 'layer-end'; index: number; digest: string; cached: boolean; read: number; walked: number }
  /** The advisory database in use. */
  | { type: 'database'; path: string }
  /** Matching packages against advisories begins / ends. */
  | { type: 'match'; state: 'start'; packages: number }
  | { type: 'match'; state: 'end'; findings: number };

export interface LayerProgressInfo {
  /** The layer's diffID (what the layer cache is keyed by). */
  digest: string;
  size?: number;
}

export type ProgressCallback = (event: ProgressEvent) => void;

/**
 * Calls `onProgress` and swallows what it throws: a broken progress display must never fail a scan.
 */
export function reportProgress(onProgress: ProgressCallback | undefined, event: ProgressEvent): void {
  if (!onProgress) return;
  try {
    onProgress(event);
  } catch {
    // Deliberately ignored: progress is advisory.
  }
}
