#!/usr/bin/env node
import { buildApp } from '../packages/app/build.mjs';
// Builds everything the product serves or runs: the server bundle and the web app (which bundles the client
// SDK and the effects library, and copies the effects' model/wasm assets).
import { buildServer } from '../packages/server/build.mjs';

const started = Date.now();
await Promise.all([buildServer(), buildApp()]);
console.log(`[build] done in ${Date.now() - started} ms`);
