import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Bundles the server's TypeScript (and the workspace packages it imports); npm dependencies stay external. */
export async function buildServer() {
  await esbuild.build({
    entryPoints: [join(here, 'src/main.ts')],
    outfile: join(here, 'dist/main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [
      {
        name: 'externalize-npm',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@backdrop/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
}
