import { Command } from 'commander';
import { AIRLOCK_VERSION } from '@airlock/engine';
import { registerConfig } from './commands/config.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { registerInit } from './commands/init.js';
import { registerKey } from './commands/key.js';
import { registerReceipt } from './commands/receipt.js';
import { registerServe } from './commands/serve.js';
import { registerStatus } from './commands/status.js';
import { registerTrust } from './commands/trust.js';
import { registerVerify } from './commands/verify.js';
import { EXIT_CODES_HELP } from './exit-codes.js';

export function buildProgram(): Command {
  const program = new Command('airlock')
    .description('Move software across an air gap in signed, checksummed, multi-volume bundles.')
    .version(AIRLOCK_VERSION)
    .option('--home <dir>', 'airlock home (state, vault, publications); default $AIRLOCK_HOME or $XDG_DATA_HOME/airlock')
    .option('-q, --quiet', 'print only errors')
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError()
    .addHelpText('after', `${EXIT_CODES_HELP}

Export side:   airlock key generate … → airlock config check airlock.yaml → airlock plan -c airlock.yaml → airlock export -c airlock.yaml -o DIR
Isolated side: airlock trust add exporter.pub.asc → airlock verify DIR → airlock import DIR → airlock serve

Example:
  $ airlock export -c airlock.yaml -o /media/usb/bundle`);
  registerKey(program);
  registerInit(program);
  registerConfig(program);
  registerExport(program);
  registerVerify(program);
  registerTrust(program);
  registerImport(program);
  registerStatus(program);
  registerReceipt(program);
  registerServe(program);
  return program;
}
