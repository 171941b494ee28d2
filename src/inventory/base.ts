import { createHash } from 'node:crypto';
import type { BaseBoundary, ImageConfigSummary, LayerRef } from '../core/types.js';

/** OCI chain IDs: ChainID(L0) = DiffID(L0); ChainID(L0..n) = sha256(ChainID(L0..n-1) + " " + DiffID(Ln)). */
export function chainIDs(diffIDs: readonly string[]): string[] {
  const out: string[] = [];
  let chain = '';
  for (const diffID of diffIDs) {
    chain =
      chain === '' ? diffID : `sha256:${createHash('sha256').update(`${chain} ${diffID}`).digest('hex')}`;
    out.push(chain);
  }
  return out;
}

/** Number of leading layers two images share (the base image's layers are a prefix of a derived image's). */
export function commonPrefixLength(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

export interface BaseInput {
  layers: readonly LayerRef[];
  config: ImageConfigSummary;
  /** diffIDs of a base image the user named with --base-image, or resolved from OCI annotations. */
  baseDiffIDs?: { diffIDs: readonly string[]; method: 'base-image' | 'oci-base-annotation'; name: string };
}

/**
 * Finds where the base image ends, strongest evidence first: an explicit base image, the DHI chain-id
 * label, then the history heuristic (a base image's history ends with an empty-layer CMD/ENTRYPOINT).
 */
export function findBaseBoundary(input: BaseInput): BaseBoundary | undefined {
  const diffIDs = input.layers.map((l) => l.diffID);
  if (input.baseDiffIDs) {
    const n = commonPrefixLength(diffIDs, input.baseDiffIDs.diffIDs);
    return {
      layerCount: n,
      method: input.baseDiffIDs.method,
      detail: `${n} of ${diffIDs.length} layers shared with ${input.baseDiffIDs.name}`,
    };
  }
  const chainId = input.config.labels['com.docker.dhi.chain-id'];
  if (chainId) {
    const index = chainIDs(diffIDs).indexOf(chainId);
    if (index >= 0) {
      return {
        layerCount: index + 1,
        method: 'dhi-chain-id',
        detail: `label com.docker.dhi.chain-id matches the chain of the first ${index + 1} layers`,
      };
    }
  }
  return historyHeuristic(input.config, diffIDs.length);
}

const BASE_END = /^(\/bin\/sh -c #\(nop\) +)?(CMD|ENTRYPOINT)\b/;

function historyHeuristic(config: ImageConfigSummary, layerCount: number): BaseBoundary | undefined {
  const history = config.history;
  let layersSoFar = 0;
  let boundary: number | undefined;
  for (let i = 0; i < history.length; i++) {
    const h = history[i]!;
    if (!h.emptyLayer) {
      layersSoFar++;
      continue;
    }
    const instruction = (h.createdBy ?? '').trim();
    // An empty CMD/ENTRYPOINT followed later by more layers marks the end of a base image's history.
    if (BASE_END.test(instruction) && history.slice(i + 1).some((later) => !later.emptyLayer))
      boundary = layersSoFar;
  }
  if (boundary === undefined || boundary === 0 || boundary > layerCount) return undefined;
  return {
    layerCount: boundary,
    method: 'history-heuristic',
    detail: `history shows a CMD/ENTRYPOINT after layer ${boundary - 1}, followed by more layers`,
  };
}
