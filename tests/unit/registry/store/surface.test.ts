// The surface registry.yaml records: the tolerant-reader promise of a channel survives a write and a read, and the
// document rebuilt from the registry carries it (so `registry check` judges a new server event by the promise the
// registered contract made).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readRegistry } from '../../../../src/registry';
import { registryModel, surfaceOf, writeRegistry, type Registry } from '../../../../src/registry/store';
import type { DocumentModel } from '../../../../src/registry';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'netra-registry-surface-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function model(tolerant: boolean): DocumentModel {
  return {
    file: 'doc.yaml',
    specVersion: '1.0.0',
    messages: new Map(),
    channels: new Map([
      ['socket', { id: 'socket', address: '/ws', messages: ['hello'], ...(tolerant ? { tolerantReader: true } : {}) }],
    ]),
    operations: new Map(),
    servers: new Map(),
    securitySchemes: new Map(),
  };
}

function registryWith(surface: Registry['surface']): Registry {
  return { format: 1, role: 'server', document_compatibility: 'BACKWARD_TRANSITIVE', messages: {}, surface };
}

describe('the surface and the tolerant reader', () => {
  it('records tolerant_reader: true only for a channel that declares it', () => {
    expect(surfaceOf(model(true)).channels.socket).toEqual({
      address: '/ws',
      messages: ['hello'],
      tolerant_reader: true,
    });
    expect(surfaceOf(model(false)).channels.socket).toEqual({ address: '/ws', messages: ['hello'] });
  });

  it('survives registry.yaml, and the rebuilt document carries the promise', () => {
    writeRegistry(dir, registryWith(surfaceOf(model(true))));
    expect(readFileSync(path.join(dir, 'registry.yaml'), 'utf8')).toContain('tolerant_reader: true');
    const read = readRegistry(dir);
    expect(read.surface?.channels.socket.tolerant_reader).toBe(true);
    expect(registryModel(dir, read).channels.get('socket')?.tolerantReader).toBe(true);
  });

  it('a registry written before the promise existed reads as no promise', () => {
    writeRegistry(dir, registryWith(surfaceOf(model(false))));
    expect(registryModel(dir, readRegistry(dir)).channels.get('socket')?.tolerantReader).toBeUndefined();
  });
});
