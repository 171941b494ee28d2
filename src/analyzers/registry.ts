import { apkAnalyzer, apkRepositoriesAnalyzer } from './apk/index.js';
import { chiselAnalyzer } from './chisel/index.js';
import { dpkgAnalyzer } from './dpkg/index.js';
import { embeddedSbomAnalyzer } from './embedded-sbom/index.js';
import { gemsAnalyzer } from './gems/index.js';
import { goBinaryAnalyzer } from './gobinary/index.js';
import { javaAnalyzer } from './java/index.js';
import { markersAnalyzer } from './markers/index.js';
import { npmAnalyzer } from './npm/index.js';
import { osReleaseAnalyzer } from './os-release/index.js';
import { pythonAnalyzer } from './python/index.js';
import { rpmAnalyzer } from './rpm/index.js';
import type { Analyzer } from './types.js';

/**
 * The one list of analyzers. Each declares the paths it wants and a version that is part of the
 * per-layer cache key. Adding an ecosystem is a new folder and one line here.
 */
export const analyzers: readonly Analyzer[] = [
  osReleaseAnalyzer,
  apkAnalyzer,
  apkRepositoriesAnalyzer,
  dpkgAnalyzer,
  rpmAnalyzer,
  chiselAnalyzer,
  markersAnalyzer,
  embeddedSbomAnalyzer,
  npmAnalyzer,
  pythonAnalyzer,
  goBinaryAnalyzer,
  javaAnalyzer,
  gemsAnalyzer,
];
