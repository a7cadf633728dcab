/**
 * Node ids: loadOrCreateNodeId creates the id file (and its directory) once and reads it back
 * after; a file that does not hold an id is refused with its path, never replaced.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadIdFileError, DeliveryError, DeliveryErrorCode, isNodeId, loadOrCreateNodeId, newNodeId, NODE_ID_BYTES } from '../src/index.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ringlog-delivery-node-id-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('node-id - newNodeId and isNodeId', () => {
  it('node-id - new ids are 32 lowercase hex digits and distinct', () => {
    const ids = Array.from({ length: 1_000 }, () => newNodeId());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(isNodeId(id)).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(NODE_ID_BYTES * 2).toBe(32);
  });

  it('node-id - isNodeId refuses anything but 32 lowercase hex digits', () => {
    const id = newNodeId();
    for (const bad of ['', id.slice(1), `${id}0`, id.toUpperCase().replace(/[0-9]/g, 'A'), ` ${id}`, `${id}\n`, `g${id.slice(1)}`, 'x'.repeat(32)]) {
      expect(isNodeId(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('node-id - loadOrCreateNodeId', () => {
  it('node-id - creates the file and its missing directory, then reads it back', () => {
    const file = path.join(dir, 'state', 'nested', 'shipper-id');
    const first = loadOrCreateNodeId(file);
    expect(first.created).toBe(true);
    expect(isNodeId(first.id)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${first.id}\n`);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{32}\n$/);
    expect(readdirSync(path.dirname(file))).toEqual(['shipper-id']);
    const second = loadOrCreateNodeId(file);
    expect(second).toEqual({ id: first.id, created: false });
  });

  it('node-id - reads an id written by hand, with or without a newline', () => {
    const id = newNodeId();
    const file = path.join(dir, 'collector-id');
    for (const text of [id, `${id}\n`, `  ${id}\r\n`]) {
      writeFileSync(file, text);
      expect(loadOrCreateNodeId(file)).toEqual({ id, created: false });
    }
  });

  it('node-id - refuses a file that does not hold an id, naming it and leaving it alone', () => {
    const file = path.join(dir, 'shipper-id');
    const id = newNodeId();
    const contents = ['', '\n', 'not an id at all\n', id.slice(2), `${id}00\n`, ` ${id.toUpperCase().replace(/[0-9]/g, 'B')} \n`, `${id.slice(0, 16)} ${id.slice(16)}\n`, `${id}\n${id}\n`];
    for (const text of contents) {
      writeFileSync(file, text);
      let thrown: unknown;
      try {
        loadOrCreateNodeId(file);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, JSON.stringify(text)).toBeInstanceOf(BadIdFileError);
      expect(thrown).toBeInstanceOf(DeliveryError);
      expect((thrown as BadIdFileError).code).toBe(DeliveryErrorCode.BAD_ID_FILE);
      expect((thrown as BadIdFileError).message).toContain(file);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('node-id - other read errors are not swallowed', () => {
    const file = path.join(dir, 'a-directory');
    mkdirSync(file);
    expect(() => loadOrCreateNodeId(file)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(statSync(file).isDirectory()).toBe(true);
  });
});
