import type { Readable } from 'node:stream';
import { type ErrorContext, KeelsonError } from '../../core/errors.js';
import * as shape from '../../core/json-shape.js';
import type { ImageIdentity } from '../../core/types.js';
import { digestOf, verifiedStream } from '../digest.js';
import { buildLayerRefs, parseImageConfig } from '../manifest.js';
import type { ImageSource } from '../types.js';
import type { ArchiveFiles } from './files.js';

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[];
  Layers: string[];
}

/** manifest.json: a non-empty list of {Config, RepoTags, Layers}; only the first image is read. */
function readDockerManifest(json: unknown): DockerManifestEntry {
  const entries = shape.array(json, '');
  if (entries.length === 0) throw new shape.ShapeError('', 'lists no image');
  const first = shape.object(entries[0], '0');
  const repoTags = shape.optionalStringArray(first.RepoTags, '0.RepoTags');
  return {
    Config: shape.string(first.Config, '0.Config'),
    ...(repoTags ? { RepoTags: repoTags } : {}),
    Layers: shape.array(first.Layers, '0.Layers').map((l, i) => shape.string(l, `0.Layers.${i}`)),
  };
}

const BLOB_NAME = /^blobs\/(sha256)\/([0-9a-f]{64})$/;

/**
 * `docker save` output, legacy (`<id>/layer.tar`, uncompressed, verified through the diffID) or
 * content-addressed (`blobs/sha256/…`, verified against the name).
 */
export async function openDockerArchive(
  files: ArchiveFiles,
  target: string,
  onClose: () => Promise<void>,
): Promise<ImageSource> {
  const context: ErrorContext = { image: target };
  let json: unknown;
  try {
    json = JSON.parse((await files.read('manifest.json', 4 * 1024 * 1024)).toString('utf8'));
  } catch (err) {
    if (err instanceof KeelsonError) throw err;
    throw new KeelsonError('INVALID_MANIFEST', `manifest.json is not valid JSON: ${(err as Error).message}`, {
      ...context,
      file: 'manifest.json',
    });
  }
  let entry: DockerManifestEntry;
  try {
    entry = readDockerManifest(json);
  } catch (err) {
    if (!(err instanceof shape.ShapeError)) throw err;
    throw new KeelsonError(
      'INVALID_MANIFEST',
      `manifest.json does not describe a docker image: ${err.message}`,
      {
        ...context,
        file: 'manifest.json',
      },
    );
  }
  if (!(await files.has(entry.Config))) {
    throw new KeelsonError(
      'MISSING_BLOB',
      `config ${entry.Config} named by manifest.json is missing`,
      context,
    );
  }
  const configBytes = await files.read(entry.Config, 8 * 1024 * 1024);
  const { summary, platform } = parseImageConfig(configBytes, { ...context, file: entry.Config });
  const layerInfo = await Promise.all(
    entry.Layers.map(async (name) => {
      if (!(await files.has(name))) {
        throw new KeelsonError('MISSING_BLOB', `layer ${name} named by manifest.json is missing`, {
          ...context,
          file: name,
        });
      }
      const m = BLOB_NAME.exec(name);
      const size = await files.size(name);
      return { name, ...(m ? { digest: `${m[1]}:${m[2]}` } : {}), ...(size !== undefined ? { size } : {}) };
    }),
  );
  const layers = buildLayerRefs(summary, layerInfo, context);
  const reference = entry.RepoTags?.[0];
  const identity: ImageIdentity = {
    target,
    sourceType: 'docker-archive',
    ...(reference ? { reference } : {}),
    configDigest: digestOf(configBytes),
    platform,
    annotations: {},
  };
  return {
    identity,
    config: summary,
    layers,
    async openLayer(i: number): Promise<Readable> {
      const info = layerInfo[i]!;
      const stream = files.stream(info.name);
      if (!info.digest) return stream; // legacy layout: the walker verifies the diffID instead
      return verifiedStream(stream, info.digest, {
        ...context,
        layer: `${i} (${info.digest})`,
        file: info.name,
      });
    },
    close: onClose,
  };
}
