/** Command-line flags of the speed bench. Pure (paths are resolved against the working directory). */
import { resolve } from 'node:path';
import { BROWSERS, type BrowserName, DEFAULT_PROCESSORS, PROCESSORS, type Processor } from './figures.js';

export interface Args {
  json: string | null;
  seconds: number;
  warmup: number;
  /** Seconds after the processor started at which the end memory is read (at least the end of the window). */
  memSeconds: number;
  sizes: Array<{ width: number; height: number }>;
  processors: Processor[];
  /** Default: Chromium only. */
  browsers: BrowserName[];
  frames: string;
  livekitDelegate: 'CPU' | 'GPU' | undefined;
}

/** Parses the CLI flags; `defaultFrames` is the folder of numbered frames the fake camera is made from. */
export function parseArgs(argv: readonly string[], defaultFrames: string): Args {
  const args: Args = {
    json: null,
    seconds: 20,
    warmup: 5,
    memSeconds: 60,
    sizes: [],
    processors: [],
    browsers: [],
    frames: defaultFrames,
    livekitDelegate: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--json') args.json = resolve(value);
    else if (flag === '--seconds') args.seconds = Number(value);
    else if (flag === '--warmup') args.warmup = Number(value);
    else if (flag === '--mem-seconds') args.memSeconds = Number(value);
    else if (flag === '--frames') args.frames = resolve(value);
    else if (flag === '--livekit-delegate') {
      if (value !== 'CPU' && value !== 'GPU') throw new Error('--livekit-delegate must be CPU or GPU');
      args.livekitDelegate = value;
    } else if (flag === '--size') {
      const match = /^(\d+)x(\d+)$/.exec(value);
      if (!match) throw new Error('--size wants WIDTHxHEIGHT, e.g. 1280x720');
      args.sizes.push({ width: Number(match[1]), height: Number(match[2]) });
    } else if (flag === '--processor') {
      if (!(PROCESSORS as readonly string[]).includes(value))
        throw new Error(`--processor must be one of ${PROCESSORS.join(', ')}`);
      args.processors.push(value as Processor);
    } else if (flag === '--browser') {
      if (!(BROWSERS as readonly string[]).includes(value))
        throw new Error(`--browser must be one of ${BROWSERS.join(', ')}`);
      if (!args.browsers.includes(value as BrowserName)) args.browsers.push(value as BrowserName);
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!(args.seconds > 0) || !(args.warmup >= 0) || !(args.memSeconds >= 0))
    throw new Error('--seconds, --warmup and --mem-seconds must be numbers > 0');
  if (args.sizes.length === 0)
    args.sizes = [
      { width: 640, height: 480 },
      { width: 1280, height: 720 },
    ];
  if (args.processors.length === 0) args.processors = [...DEFAULT_PROCESSORS];
  if (args.browsers.length === 0) args.browsers = ['chromium'];
  return args;
}
