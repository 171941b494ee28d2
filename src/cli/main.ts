import { Command, CommanderError, Option } from 'commander';
import { isKeelsonError } from '../core/errors.js';
import { addImageFlags } from './common.js';
import { configureProgress, finishProgress } from './progress.js';
import { VERSION } from './version.js';

/** Exit codes: 0 done, 1 policy failure (later: scan gates), 2 error. */
export const EXIT = { ok: 0, policy: 1, error: 2 } as const;

function program(): Command {
  const root = new Command('keelson')
    .description('Container image risk control plane: inventory, SBOM and hardened-image aware scanning')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  // Global flags (progress.ts): accepted before or after the subcommand.
  root
    .option('-q, --quiet', 'no progress display: print results only')
    .option('--debug', 'log phase timings, cache hits and the database path to stderr')
    .hook('preAction', (_root, action) => configureProgress(action.optsWithGlobals()))
    .hook('postAction', () => finishProgress());

  addImageFlags(
    root
      .command('sbom')
      .description('Write a software bill of materials for an image')
      .argument('<target>', 'image reference, docker/OCI archive, OCI layout or root filesystem directory')
      .addOption(
        new Option('-f, --format <format>', 'SBOM format')
          .choices(['cyclonedx', 'spdx', 'json'])
          .default('cyclonedx'),
      )
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  ).action(async (target: string, flags) => {
    const { sbomCommand } = await import('./commands/sbom.js');
    await sbomCommand(target, flags);
  });

  addImageFlags(
    root
      .command('inspect')
      .description('Show distro, provider (with evidence), layers and package counts of an image')
      .argument('<target>', 'image reference, docker/OCI archive, OCI layout or root filesystem directory')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
      ),
  ).action(async (target: string, flags) => {
    const { inspectCommand } = await import('./commands/inspect.js');
    await inspectCommand(target, flags);
  });
  const scanFlags = (command: Command) =>
    addImageFlags(command)
      .option('--db-dir <dir>', 'advisory database folder (default $XDG_DATA_HOME/keelson/db)')
      .option(
        '--vex <file|dir>',
        'OpenVEX, CycloneDX VEX or CSAF VEX document(s) to apply (repeatable)',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option(
        '--vex-repo <dir>',
        'VEX repository on disk (VEX Hub layout, e.g. a DHI advisories checkout); repeatable',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option(
        '--vex-referrers',
        'read VEX attestations attached to a registry image (OCI referrers, cosign .att)',
      )
      .option(
        '--max-db-age <age>',
        'warn when the advisory database is older than this (e.g. 24h, 7d)',
        '7d',
      );

  scanFlags(
    root
      .command('scan')
      .description('Find vulnerabilities in an image with the right vendor advisories and VEX')
      .argument('<target>', 'image reference, docker/OCI archive, OCI layout or root filesystem directory')
      .addOption(
        new Option('-f, --format <format>', 'report format').choices(['table', 'json']).default('table'),
      )
      .option('-o, --output <file>', 'write to a file instead of stdout')
      .option('--show-suppressed', 'also list findings suppressed by vendor status or VEX'),
  ).action(async (target: string, flags) => {
    const { scanCommand } = await import('./commands/scan.js');
    await scanCommand(target, flags);
  });

  scanFlags(
    root
      .command('explain')
      .description('Explain how one vulnerability was matched (or suppressed) in an image')
      .argument('<target>', 'image reference, docker/OCI archive, OCI layout or root filesystem directory')
      .argument('<vulnerability>', 'vulnerability id or alias, e.g. CVE-2021-3450')
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  ).action(async (target: string, vulnerability: string, flags) => {
    const { explainCommand } = await import('./commands/explain.js');
    await explainCommand(target, vulnerability, flags);
  });

  const db = root.command('db').description('Manage the local advisory database');
  const dbDir = (command: Command) =>
    command.option('--db-dir <dir>', 'advisory database folder (default $XDG_DATA_HOME/keelson/db)');
  dbDir(
    db
      .command('update')
      .description('Download advisory feeds from upstream and rebuild them atomically')
      .option(
        '--source <name>',
        'only this source (repeatable)',
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      )
      .option(
        '--mirror <[source=]url>',
        "replace a feed's base URL (all feeds, or one with source=url); repeatable",
        (value: string, previous: string[]) => [...previous, value],
        [] as string[],
      ),
  ).action(async (flags) => {
    const { dbUpdateCommand } = await import('./commands/db.js');
    await dbUpdateCommand(flags);
  });
  dbDir(
    db
      .command('import')
      .description('Import feed files, a folder of them, a .tar.gz of them, or a bundle, offline')
      .argument('<path>', 'file, folder or .tar.gz')
      .option('--source <name>', 'the feed the files belong to (default: recognised from the files)'),
  ).action(async (path: string, flags) => {
    const { dbImportCommand } = await import('./commands/db.js');
    await dbImportCommand(path, flags);
  });
  dbDir(
    db
      .command('export-bundle')
      .description('Write the database as a .tar.gz bundle for air-gapped sites')
      .argument('<file>', 'bundle to write'),
  ).action(async (file: string, flags) => {
    const { dbExportCommand } = await import('./commands/db.js');
    await dbExportCommand(file, flags);
  });
  dbDir(
    db
      .command('status')
      .description('Show each source with record counts, last update and age')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
      ),
  ).action(async (flags) => {
    const { dbStatusCommand } = await import('./commands/db.js');
    await dbStatusCommand(flags);
  });

  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const command of all(root).slice(1)) command.exitOverride().showHelpAfterError();
  return root;
}

/** Runs the CLI and returns the exit code; errors become one line on stderr. */
export async function run(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    finishProgress();
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (isKeelsonError(err)) {
      process.stderr.write(`keelson: error: ${err.describe()}\n`);
    } else {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`keelson: error: ${message} [INTERNAL]\n`);
      if (process.env.KEELSON_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    }
    return EXIT.error;
  }
}
