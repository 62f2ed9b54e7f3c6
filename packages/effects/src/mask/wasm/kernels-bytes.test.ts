import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KERNELS_WASM_BASE64 } from './kernels-bytes.js';

describe('checked-in wasm kernels', () => {
  it('are exactly what the AssemblyScript source compiles to (npm run build:kernels -w @backdrop/effects)', () => {
    const script = fileURLToPath(new URL('../../../scripts/build-kernels.mjs', import.meta.url));
    const fresh = execFileSync(process.execPath, [script, '--print'], { encoding: 'utf8', timeout: 60_000 });
    expect(fresh.length).toBeGreaterThan(1000);
    expect(fresh).toBe(KERNELS_WASM_BASE64);
  }, 60_000);
});
