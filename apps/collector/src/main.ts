/** ringlog-collector entry: parse the command line, then run, check, or print help. */
import { serviceMain, type OptionValues } from '@ringlog/daemon-app';
import { helpText, parseArgsConfig } from './cli-options.ts';
import { loadEffectiveCollectorConfig, type RunCollectorArgs } from './effective-config.ts';
import { COLLECTOR_VERSION, runCollector } from './run-collector.ts';

function argsFrom(values: OptionValues): RunCollectorArgs {
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
    name: 'ringlog-collector',
    version: COLLECTOR_VERSION,
    options: parseArgsConfig(),
    helpText,
    argsFrom,
    async check(args) {
      const { config, warnings, source } = await loadEffectiveCollectorConfig(args);
      return { value: { source, config }, warnings: warnings.map((w) => `${w.file}:${w.line}: warning: ${w.message}`) };
    },
    run: runCollector,
  },
  process.argv.slice(2),
);
