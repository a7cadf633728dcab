/** Reads the shipper's YAML config file. */
import { readConfigText } from './read-config-text.ts';
import { parseShipperConfigYaml } from './shipper-config.ts';
import type { ShipperConfig } from './shipper-config-types.ts';

export interface LoadedShipperConfig {
  readonly config: ShipperConfig;
}

/**
 * Reads and validates the shipper config. Throws `ConfigReadError` (missing, unreadable, not a
 * regular file, too big) or `ConfigValidationError` (every problem, with lines and columns).
 */
export async function loadShipperConfig(path: string): Promise<LoadedShipperConfig> {
  const text = await readConfigText(path);
  return { config: parseShipperConfigYaml(text, path) };
}
