import { Command, CommanderError, Option } from 'commander';
import { isKeelsonError } from '../core/errors.js';
import { addImageFlags } from './common.js';
import { VERSION } from './version.js';

/** Exit codes: 0 done, 1 policy failure (later: scan gates), 2 error. */
export const EXIT = { ok: 0, policy: 1, error: 2 } as const;

function program(): Command {
  const root = new Command('keelson')
    .description('Container image risk control plane: inventory, SBOM and hardened-image aware scanning')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

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
  for (const command of root.commands) command.exitOverride().showHelpAfterError();
  return root;
}

/** Runs the CLI and returns the exit code; errors become one line on stderr. */
export async function run(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
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
