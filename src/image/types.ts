import type { Readable } from 'node:stream';
import type { ImageConfigSummary, ImageIdentity, LayerRef, Platform } from '../core/types.js';

/**
 * An image, however it is stored: the identity, the parsed config, and a way to stream each layer.
 * Sources do I/O; everything after them works on this interface.
 */
export interface ImageSource {
  readonly identity: ImageIdentity;
  readonly config: ImageConfigSummary;
  /** Non-empty layers, bottom first. */
  readonly layers: LayerRef[];
  /**
   * Streams a layer's stored bytes (compressed or not). When the source knows the blob digest the
   * stream is verified as it flows and fails with DIGEST_MISMATCH at the end if the bytes differ.
   */
  openLayer(index: number): Promise<Readable>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Wanted platform for multi-platform images; default linux/amd64. */
  platform?: Platform;
  /** True when the user asked for a platform explicitly (a mismatch on a single-platform archive is then an error). */
  platformExplicit?: boolean;
  /** Registries (host[:port]) that may be reached over plain HTTP / without TLS verification. */
  insecureRegistries?: string[];
  /** Docker config directory (default `$DOCKER_CONFIG` or `~/.docker`). */
  dockerConfigDir?: string;
  /** Working directory for sources that must unpack something (a gzipped docker-archive). */
  tempDir?: string;
  /** Cache directory: compressed archives leave a snapshot of their metadata there (see archive/snapshot.ts). */
  cacheDir?: string;
}
