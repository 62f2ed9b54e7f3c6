// Build contract with the app (packages/app/build.mjs): extra esbuild entry points and files to copy into /assets/.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
/** The installed package's folder, looked up like Node does (some packages do not export package.json). */
function packageDir(name) {
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`effects assets: ${name} is not installed`);
  }
}

/** esbuild entry points: the effects worker, bundled to /assets/effects-worker.js. */
export function effectsEntryPoints() {
  return { 'effects-worker': join(here, 'src/worker/worker.ts') };
}

/**
 * MediaPipe Tasks' JavaScript API as a classic script of its own (src/segmentation/mediapipe-tasks.ts): only
 * `runtime: 'mediapipe'` loads it, so the worker's script no longer carries its 137 KB. Built into .cache/
 * (written to a temporary name, then renamed: two builds at once never read half a file); returns its path.
 */
function buildMediaPipeTasks() {
  const out = join(here, '.cache', 'mediapipe-tasks.js');
  const result = esbuild.buildSync({
    entryPoints: [join(here, 'src/segmentation/mediapipe-tasks-script.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari17'],
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(dirname(out), { recursive: true });
  const temporary = `${out}.${process.pid}.tmp`;
  writeFileSync(temporary, result.outputFiles[0].contents);
  renameSync(temporary, out);
  return out;
}

/** Files copied under /assets/: the models and their licence, the TFLite runtime, and the MediaPipe Tasks one. */
export function effectsAssets() {
  const tasks = join(packageDir('@mediapipe/tasks-vision'), 'wasm');
  const twilio = packageDir('@twilio/video-processors');
  const out = [
    {
      from: join(twilio, 'dist/build/selfie_segmentation_landscape.tflite'),
      to: 'effects/selfie_segmentation_landscape.tflite',
    },
    { from: join(twilio, 'LICENSE.md'), to: 'effects/LICENSE-video-processors.md' },
    // The square model (256x256), fetched only when an upright camera frame wants it (segmentation/models.ts).
    {
      from: join(packageDir('@mediapipe/selfie_segmentation'), 'selfie_segmentation.tflite'),
      to: 'effects/selfie_segmentation.tflite',
    },
    { from: join(here, 'assets/MODEL-LICENSE.txt'), to: 'effects/MODEL-LICENSE.txt' },
  ];
  // The default runtime: Twilio's TFLite-only wasm builds (SIMD and not) and their Emscripten loaders.
  for (const name of ['tflite-simd-1-0-0', 'tflite-1-0-0']) {
    for (const ext of ['js', 'wasm'])
      out.push({ from: join(twilio, `dist/build/${name}.${ext}`), to: `effects/${name}.${ext}` });
  }
  // MediaPipe Tasks (runtime: 'mediapipe'): its API script and wasm, fetched only when chosen.
  out.push({ from: buildMediaPipeTasks(), to: 'effects/mediapipe-tasks.js' });
  for (const name of ['vision_wasm_internal', 'vision_wasm_nosimd_internal']) {
    for (const ext of ['js', 'wasm'])
      out.push({ from: join(tasks, `${name}.${ext}`), to: `effects/${name}.${ext}` });
  }
  return out;
}
