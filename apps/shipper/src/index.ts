export { runShipper, SHIPPER_VERSION, type RunningShipper } from './run-shipper.ts';
export { loadEffectiveShipperConfig, builtInShipperYaml, type RunShipperArgs } from './effective-config.ts';
export { helpText, SHIPPER_OPTIONS } from './cli-options.ts';
export { shipperHealth, shipperStatus, type ShipperStatus } from './shipper-status.ts';
