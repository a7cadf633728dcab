/** Builds each configured input: one factory per input type. */
import type { ShipperInputConfig } from '@ringlog/config';
import { createFileInput } from './inputs/file-tail/file-input.ts';
import { createHttpInput } from './inputs/http-input.ts';
import { createPipeInput } from './inputs/pipe-input.ts';
import type { InputContext, ShipperInput } from './inputs/shipper-input.ts';
import { createSpreadInput } from './inputs/spread-input.ts';
import { createTcpInput } from './inputs/tcp-input.ts';
import { createUdpInput } from './inputs/udp-input.ts';
import { createUnixDgramInput } from './inputs/unix-dgram-input.ts';
import { createUnixInput } from './inputs/unix-input.ts';

export function createInput(config: ShipperInputConfig, context: InputContext): ShipperInput {
  switch (config.type) {
    case 'unix':
    case 'syslog_unix':
      return createUnixInput(config, context);
    case 'unix_dgram':
    case 'syslog_unix_dgram':
      return createUnixDgramInput(config, context);
    case 'tcp':
    case 'syslog_tcp':
      return createTcpInput(config, context);
    case 'syslog_udp':
      return createUdpInput(config, context);
    case 'file':
      return createFileInput(config, context);
    case 'http':
      return createHttpInput(config, context);
    case 'pipe':
      return createPipeInput(config, context);
    case 'spread':
      return createSpreadInput(config, context);
  }
}
