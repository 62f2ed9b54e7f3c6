import { describe, expect, it } from 'vitest';
import { requestPath } from './server.js';
import { isHashedAsset, resolveInside } from './static.js';

describe('requestPath', () => {
  it('reads origin-form targets as paths, even ones a URL parser takes for hosts', () => {
    expect(requestPath('/ws')).toBe('/ws');
    expect(requestPath('/r/room-1?x=1')).toBe('/r/room-1');
    expect(requestPath('//[/ws')).toBe('//[/ws');
    expect(requestPath('//evil.example/ws')).toBe('//evil.example/ws');
  });
  it('accepts absolute-form http targets and refuses the rest', () => {
    expect(requestPath('http://localhost:8080/ws')).toBe('/ws');
    for (const target of [
      'http://a:99999/ws',
      'http://%/ws',
      'http://[/ws',
      '*',
      'ws',
      'file:///etc/passwd',
      '',
    ])
      expect(requestPath(target), target).toBeUndefined();
    expect(requestPath(undefined)).toBeUndefined();
  });
});

describe('isHashedAsset', () => {
  it('knows the names the app build hashes', () => {
    expect(isHashedAsset('/assets/app-7XQ2KZ3M.js')).toBe(true);
    expect(isHashedAsset('/assets/app-7XQ2KZ3M.js.map')).toBe(true);
    expect(isHashedAsset('/assets/chunks/lobby-AB12CD34.js')).toBe(true);
    expect(isHashedAsset('/assets/effects-AB12CD34/vision_wasm_internal.wasm')).toBe(true);
  });
  it('is false for fixed names and for anything outside /assets/', () => {
    expect(isHashedAsset('/assets/app.js')).toBe(false);
    expect(isHashedAsset('/assets/effects/vision_wasm_internal.wasm')).toBe(false);
    expect(isHashedAsset('/app-7XQ2KZ3M.css')).toBe(false);
    expect(isHashedAsset('/backgrounds/office.jpg')).toBe(false);
  });
});

describe('resolveInside', () => {
  it('keeps paths inside the root', () => {
    expect(resolveInside('/srv/app', '/a/b.js')).toBe('/srv/app/a/b.js');
    expect(resolveInside('/srv/app', '/../etc/passwd')).toBeUndefined();
    expect(resolveInside('/srv/app', '/..%2f..%2fetc/passwd')).toBeUndefined();
    expect(resolveInside('/srv/app', '/%E0%A4%A')).toBeUndefined();
    expect(resolveInside('/srv/app', '/a%00b')).toBeUndefined();
  });
});
