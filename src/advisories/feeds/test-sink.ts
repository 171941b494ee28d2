/**
 * Test helpers for feed importers: an in-memory ImportSink that keeps everything, and a local HTTP
 * server plus a fetch-based Fetcher for download() tests. Used only by tests.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { VexStatement } from '../../vex/types.js';
import type {
  Advisory,
  CvssRecord,
  EpssRecord,
  FeedFile,
  FeedImporter,
  Fetcher,
  ImportSink,
  KevRecord,
} from '../types.js';

export class MemorySink implements ImportSink {
  readonly advisories: Advisory[] = [];
  readonly cvssRecords: CvssRecord[] = [];
  readonly kevRecords: KevRecord[] = [];
  readonly epssRecords: EpssRecord[] = [];
  readonly vexStatements: VexStatement[] = [];
  readonly skips: { where: string; why: string }[] = [];
  readonly metas = new Map<string, string>();

  advisory(advisory: Advisory): void {
    this.advisories.push(advisory);
  }
  cvss(record: CvssRecord): void {
    this.cvssRecords.push(record);
  }
  kev(record: KevRecord): void {
    this.kevRecords.push(record);
  }
  epss(record: EpssRecord): void {
    this.epssRecords.push(record);
  }
  vex(statement: VexStatement): void {
    this.vexStatements.push(statement);
  }
  skip(where: string, why: string): void {
    this.skips.push({ where, why });
  }
  meta(key: string, value: string): void {
    this.metas.set(key, value);
  }

  /** The advisories with this id (an importer may emit one per file). */
  byId(id: string): Advisory[] {
    return this.advisories.filter((a) => a.id === id);
  }

  /** The one advisory with this id; throws when there is none or more than one. */
  one(id: string): Advisory {
    const found = this.byId(id);
    if (found.length !== 1) throw new Error(`expected one advisory ${id}, found ${found.length}`);
    return found[0]!;
  }

  /** Every affected entry, flattened, with its advisory id. */
  entries(): (Advisory['affected'][number] & { id: string })[] {
    return this.advisories.flatMap((a) => a.affected.map((e) => ({ ...e, id: a.id })));
  }
}

/** Runs an importer over files and returns the filled sink. */
export async function importAll(importer: FeedImporter, files: FeedFile[]): Promise<MemorySink> {
  const sink = new MemorySink();
  await importer.import(files, sink);
  return sink;
}

/** Collects every file a download() yields. */
export async function downloadAll(
  importer: FeedImporter,
  fetch: Fetcher,
  baseUrl: string,
): Promise<FeedFile[]> {
  const out: FeedFile[] = [];
  for await (const file of importer.download(fetch, { baseUrl })) out.push(file);
  return out;
}

/** A Fetcher over the global fetch that fails on non-2xx answers, as the real one does. */
export const testFetcher: Fetcher = async (url) => {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`);
  return Buffer.from(await response.arrayBuffer());
};

export interface TestServer {
  baseUrl: string;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `routes` (URL path → body) on 127.0.0.1; other paths answer 404. */
export async function serveRoutes(routes: Record<string, Buffer | string>): Promise<TestServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const body = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (body === undefined) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200).end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
