import { writeOciArchive } from './image-builder.js';

/** One `lib/apk/db/installed` record; `origin` is the `o:` field advisory feeds key on. */
export function apkRecord(name: string, version: string, origin = name): string {
  return `${[`P:${name}`, `V:${version}`, 'A:x86_64', `o:${origin}`, 'L:MIT', `T:${name}`].join('\n')}\n`;
}

/** A one-layer OCI archive with an os-release, an apk database and optionally `etc/apk/repositories`. */
export async function writeApkImage(
  file: string,
  osRelease: string,
  records: string[],
  repositories?: string,
): Promise<string> {
  await writeOciArchive(
    {
      layers: [
        {
          entries: [
            { path: 'etc/os-release', content: osRelease },
            { path: 'lib/apk/db/installed', content: `${records.join('\n')}\n` },
            ...(repositories ? [{ path: 'etc/apk/repositories', content: repositories }] : []),
          ],
        },
      ],
    },
    file,
  );
  return file;
}
