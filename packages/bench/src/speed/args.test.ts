import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

describe('parseArgs', () => {
  it('defaults to both sizes, all processors, 5 s warm-up, 20 s measured, memory at 60 s', () => {
    const args = parseArgs([], '/data/frames');
    expect(args).toMatchObject({
      json: null,
      seconds: 20,
      warmup: 5,
      memSeconds: 60,
      frames: '/data/frames',
    });
    expect(args.sizes).toEqual([
      { width: 640, height: 480 },
      { width: 1280, height: 720 },
    ]);
    expect(args.processors).toEqual([
      'none',
      'backdrop-blur',
      'backdrop-replace',
      'livekit-blur',
      'livekit-replace',
    ]);
    expect(args.livekitDelegate).toBeUndefined();
    expect(args.browsers).toEqual(['chromium']);
  });

  it('takes each browser once, in the order given', () => {
    const args = parseArgs(['--browser', 'firefox', '--browser', 'chromium', '--browser', 'firefox'], '/f');
    expect(args.browsers).toEqual(['firefox', 'chromium']);
  });

  it('takes repeated sizes and processors, and resolves paths', () => {
    const args = parseArgs(
      [
        '--size',
        '1280x720',
        '--processor',
        'none',
        '--processor',
        'livekit-blur',
        '--json',
        'out.json',
        '--seconds',
        '4',
      ],
      '/f',
    );
    expect(args.sizes).toEqual([{ width: 1280, height: 720 }]);
    expect(args.processors).toEqual(['none', 'livekit-blur']);
    expect(parseArgs(['--processor', 'backdrop-none'], '/f').processors).toEqual(['backdrop-none']);
    expect(args.json).toBe(resolve('out.json'));
    expect(args.seconds).toBe(4);
  });

  it('refuses what it does not know, with a clear message', () => {
    expect(() => parseArgs(['--size', '720p'], '/f')).toThrow(/WIDTHxHEIGHT/);
    expect(() => parseArgs(['--processor', 'jitsi'], '/f')).toThrow(/one of none/);
    expect(() => parseArgs(['--livekit-delegate', 'TPU'], '/f')).toThrow(/CPU or GPU/);
    expect(() => parseArgs(['--browser', 'safari'], '/f')).toThrow(/one of chromium, firefox/);
    expect(() => parseArgs(['--seconds'], '/f')).toThrow(/needs a value/);
    expect(() => parseArgs(['--seconds', '0'], '/f')).toThrow(/> 0/);
    expect(() => parseArgs(['--fast', '1'], '/f')).toThrow(/unknown option --fast/);
  });
});
