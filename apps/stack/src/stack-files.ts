/**
 * The stack's files under <dir>/var: its directories, the configs rendered from the templates in
 * config/stack, and the segment key, generated at the first start and kept afterwards.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSegmentKey } from '@ringlog/config';
import { StackError, StackErrorCode } from './errors.ts';
import { templateValues, type StackLayout } from './stack-layout.ts';

/** The embedded default config: templates with {{placeholders}}. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../../config/stack/', import.meta.url));

const TEMPLATES = [
  { file: 'segment.conf', target: (layout: StackLayout) => layout.segmentConf },
  { file: 'shipper.yaml', target: (layout: StackLayout) => layout.shipperConfig },
  { file: 'collector.yaml', target: (layout: StackLayout) => layout.collectorConfig },
] as const;

/** Random bytes in a new key; base64 makes 44 characters, well over the 16 a key needs. */
const KEY_RANDOM_BYTES = 32;

export interface PreparedFiles {
  /** The segment key, as the daemons read it (for ring status requests). */
  readonly key: Buffer;
  /** True when this start created the key. */
  readonly keyCreated: boolean;
}

export function prepareStackFiles(layout: StackLayout): PreparedFiles {
  makeDirectories(layout);
  const values = templateValues(layout);
  for (const template of TEMPLATES) {
    const text = renderTemplate(readTemplate(template.file), values, template.file);
    writeStackFile(template.target(layout), `# Written by ringlog-stack from config/stack/${template.file} at every start: edit the template.\n${text}`);
  }
  const keyCreated = ensureSegmentKey(layout.keyFile);
  try {
    return { key: loadSegmentKey(layout.keyFile), keyCreated };
  } catch (error) {
    throw new StackError(StackErrorCode.SEGMENT_KEY, (error as Error).message, { cause: error });
  }
}

/** Replaces every `{{name}}`; a name without a value is a broken template. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, file: string): string {
  const unknown = new Set<string>();
  const rendered = text.replaceAll(/\{\{([a-z0-9_]+)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) unknown.add(name);
    return value ?? '';
  });
  if (unknown.size > 0) {
    throw new StackError(StackErrorCode.TEMPLATE, `${path.join(TEMPLATE_DIR, file)}: unknown placeholder(s) ${[...unknown].map((name) => `{{${name}}}`).join(', ')}; known: ${Object.keys(values).join(', ')}`);
  }
  return rendered;
}

function makeDirectories(layout: StackLayout): void {
  // var/etc holds the key: private. The rest is what the services would create themselves.
  const directories = [
    { dir: layout.etcDir, mode: 0o700 },
    { dir: layout.runDir, mode: 0o755 },
    { dir: layout.shipperStateDir, mode: 0o700 },
    { dir: layout.logRoot, mode: 0o755 },
  ];
  for (const { dir, mode } of directories) {
    try {
      mkdirSync(dir, { recursive: true, mode });
    } catch (error) {
      throw new StackError(StackErrorCode.STATE_DIR, `cannot create ${dir}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function readTemplate(file: string): string {
  try {
    return readFileSync(path.join(TEMPLATE_DIR, file), 'utf8');
  } catch (error) {
    throw new StackError(StackErrorCode.TEMPLATE, `cannot read the config template ${path.join(TEMPLATE_DIR, file)}: ${(error as Error).message}`, { cause: error });
  }
}

function writeStackFile(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new StackError(StackErrorCode.STATE_DIR, `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Creates the key file (mode 0600) unless it exists; returns whether it did. An existing key is
 * kept, so restarts keep the segment's secret, but one readable by others is made private again.
 */
export function ensureSegmentKey(file: string): boolean {
  try {
    writeFileSync(file, `${randomBytes(KEY_RANDOM_BYTES).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new StackError(StackErrorCode.SEGMENT_KEY, `cannot create the segment key ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch (error) {
    throw new StackError(StackErrorCode.SEGMENT_KEY, `cannot make the segment key ${file} private (mode 0600): ${(error as Error).message}`, { cause: error });
  }
  return false;
}
