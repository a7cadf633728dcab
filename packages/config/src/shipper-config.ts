/** The shipper config from YAML text, or from a value built by a program. */
import { cloneDeepFrozen } from './deep-freeze.ts';
import type { DeepReadonly } from './deep-freeze.ts';
import { shipperInputDefaults } from './shipper-config-defaults.ts';
import { SHIPPER_CONFIG_SCHEMA } from './shipper-config-schema.ts';
import type { ValidatedShipperConfig } from './shipper-config-schema.ts';
import type { ShipperConfig, ShipperInputConfig } from './shipper-config-types.ts';
import { validatedConfigValue } from './config-from-value.ts';
import { validateYamlDocument } from './yaml-validation.ts';

/**
 * Parses and validates a YAML shipper config. Returns a deep-frozen value with defaults filled
 * in; throws `ConfigValidationError` listing every problem with file, line and column.
 */
export function parseShipperConfigYaml(text: string, file: string): ShipperConfig {
  return withInputDefaults(validateYamlDocument(text, file, SHIPPER_CONFIG_SCHEMA));
}

/**
 * Validates a plain value shaped like the YAML file (for programs and tests that build a config
 * in code). The value is not changed. Problems name `source` with line and column 1.
 */
export function shipperConfigFromValue(value: unknown, source = '(value)'): ShipperConfig {
  return withInputDefaults(validatedConfigValue(value, SHIPPER_CONFIG_SCHEMA, source));
}

/**
 * Fills in the defaults of each input's type (see shipper-config-schema.ts for why the schema
 * cannot). The schema has checked every setting given, and the defaults are valid by the tests.
 * Sections and settings come out in the order of config/shipper.yaml, so a printed config reads
 * like the file.
 */
function withInputDefaults(config: ValidatedShipperConfig | DeepReadonly<ValidatedShipperConfig>): ShipperConfig {
  const inputs = config.inputs.map((input, index): unknown => {
    const defaults: Readonly<Record<string, unknown>> = shipperInputDefaults(input.type, index);
    const complete: Record<string, unknown> = Object.assign({ type: input.type, name: defaults['name'] }, input);
    for (const [key, value] of Object.entries(defaults)) complete[key] ??= value;
    return complete;
  });
  const { shipper, admin, log, lines, batch, upstream, spool } = config;
  return cloneDeepFrozen({ shipper, admin, log, lines, batch, upstream, spool, inputs: inputs as ShipperInputConfig[] });
}
