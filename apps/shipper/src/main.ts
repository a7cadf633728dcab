/** ringlog-shipper entry: parse the command line, then run, check, or print help. */
import { serviceMain, type OptionValues } from '@ringlog/daemon-app';
import { helpText, parseArgsConfig } from './cli-options.ts';
import { loadEffectiveShipperConfig, type RunShipperArgs } from './effective-config.ts';
import { SHIPPER_VERSION, runShipper } from './run-shipper.ts';

function argsFrom(values: OptionValues): RunShipperArgs {
  return {
    ...(typeof values['config'] === 'string' ? { config: values['config'] } : {}),
    ...(typeof values['daemon'] === 'string' ? { daemon: values['daemon'] } : {}),
    ...(typeof values['state-dir'] === 'string' ? { stateDir: values['state-dir'] } : {}),
    ...(typeof values['admin-listen'] === 'string' ? { adminListen: values['admin-listen'] } : {}),
    ...(values['no-admin'] === true ? { admin: false } : {}),
    ...(typeof values['log-level'] === 'string' ? { logLevel: values['log-level'] } : {}),
    handleSignals: true,
  };
}

await serviceMain(
  {
    name: 'ringlog-shipper',
    version: SHIPPER_VERSION,
    options: parseArgsConfig(),
    helpText,
    argsFrom,
    async check(args) {
      const { config, source } = await loadEffectiveShipperConfig(args);
      return { value: { source, config }, warnings: [] };
    },
    run: runShipper,
  },
  process.argv.slice(2),
);
