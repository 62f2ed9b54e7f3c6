import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from './args.js';

describe('parseLoadArgs', () => {
  it('has bounded defaults', () => {
    const a = parseLoadArgs([]);
    expect(a).toMatchObject({
      phases: ['video', 'audio', 'rooms'],
      seconds: 10,
      minRatio: 0.95,
      browser: true,
    });
    expect(a.json).toBeUndefined();
    expect(a.maxMinutes).toBeGreaterThan(0);
  });

  it('reads options and refuses bad ones with the usage', () => {
    const a = parseLoadArgs(['--json', 'out.json', '--phases', 'audio', '--seconds', '3', '--no-browser']);
    expect(a).toMatchObject({ json: 'out.json', phases: ['audio'], seconds: 3, browser: false });
    expect(() => parseLoadArgs(['--phases', 'video,bogus'])).toThrow(/unknown phase bogus/);
    expect(() => parseLoadArgs(['--max-participants', '500'])).toThrow(/2-100/);
    expect(() => parseLoadArgs(['--seconds', '0'])).toThrow(/usage/);
    expect(() => parseLoadArgs(['--what'])).toThrow();
  });
});
