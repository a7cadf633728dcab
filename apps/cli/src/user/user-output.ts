/**
 * What spuser prints, byte for byte (Spread 5.0.1 examples/user.c), as pure functions.
 * The captures in shared/spec show the same lines with blank lines squeezed out.
 * Group ids print as signed 32-bit numbers, as spuser's %d does; a message body prints up
 * to its first NUL, as %s does. "Unknown commnad" is spuser's own spelling.
 */
import { ServiceType } from '@ringlog/wire';
import type { SpreadEvent } from '@ringlog/client';

export const SEPARATOR = '\n============================\n';
export const PROMPT = '\nUser> ';

export const MENU = [
  '',
  '==========',
  'User Menu:',
  '----------',
  '',
  '\tj <group> -- join a group',
  '\tl <group> -- leave a group',
  '',
  '\ts <group> -- send a message',
  '\tb <group> -- send a burst of messages',
  '',
  '\tr -- receive a message (stuck) ',
  '\tp -- poll for a message ',
  '\te -- enable asynchonous read (default)',
  '\td -- disable asynchronous read ',
  '',
  '\tq -- quit',
  '',
].join('\n');

export const UNKNOWN_COMMAND = '\nUnknown commnad\n';
export const INVALID_GROUP = ' invalid group \n';
export const BYE = '\nBye.\n';

function signed32(value: number): number {
  return value | 0;
}

function untilNul(data: Buffer): Buffer {
  const nul = data.indexOf(0);
  return nul === -1 ? data : data.subarray(0, nul);
}

function membershipLines(event: Extract<SpreadEvent, { type: 'membership' }>): string {
  const { groupId } = event;
  let text = `Received REGULAR membership for group ${event.group} with ${event.members.length} members, where I am member ${event.myIndex}:\n`;
  for (const member of event.members) text += `\t${member}\n`;
  text += `grp id is ${signed32(groupId.procId)} ${signed32(groupId.time)} ${signed32(groupId.index)}\n`;
  if (event.cause === 'join') return `${text}Due to the JOIN of ${event.changedMember ?? ''}\n`;
  if (event.cause === 'leave') return `${text}Due to the LEAVE of ${event.changedMember ?? ''}\n`;
  if (event.cause === 'disconnect') return `${text}Due to the DISCONNECT of ${event.changedMember ?? ''}\n`;
  text += `Due to NETWORK change with ${event.vsSets.length} VS sets\n`;
  event.vsSets.forEach((set, index) => {
    text += `${index === event.localVsSetIndex ? 'LOCAL' : 'OTHER'} VS set ${index} has ${set.length} members:\n`;
    for (const member of set) text += `\t${member}\n`;
  });
  return text;
}

/** The body Read_message prints for one event (between the separator and the prompt). */
export function formatEvent(event: SpreadEvent): Buffer {
  switch (event.type) {
    case 'message': {
      const head = `received ${event.service} message from ${event.sender}, of type ${event.messType}, (endian ${event.endianMismatch ? 1 : 0}) to ${event.groups.length} groups \n(${event.data.length} bytes): `;
      return Buffer.concat([Buffer.from(head, 'latin1'), untilNul(event.data), Buffer.from('\n')]);
    }
    case 'membership':
      return Buffer.from(membershipLines(event), 'latin1');
    case 'transition':
      return Buffer.from(`received TRANSITIONAL membership for group ${event.group}\n`, 'latin1');
    case 'self-leave':
      return Buffer.from(`received membership message that left group ${event.group}\n`, 'latin1');
    case 'reject': {
      const serviceType = ((event.oldType | ServiceType.REJECT) >>> 0).toString(16);
      const head = `REJECTED message from ${event.sender}, of servicetype 0x${serviceType} messtype ${event.messType}, (endian ${event.endianMismatch ? 1 : 0}) to ${event.groups.length} groups \n(${event.data.length} bytes): `;
      return Buffer.concat([Buffer.from(head, 'latin1'), untilNul(event.data), Buffer.from('\n')]);
    }
    case 'unknown':
      return Buffer.from(`received message of unknown message type 0x${event.serviceType.toString(16)} with ret ${event.dataBytes}\n`, 'latin1');
  }
}

/** sscanf(text, "%s%s…") for up to `max` tokens. */
export function tokens(text: string, max: number): string[] {
  return text.split(/\s+/).filter((token) => token.length > 0).slice(0, max);
}
