// The wasm kernels' module: one module, one memory (src/mask/wasm/ lays it out).

export { boxPlane, fill } from './box';
export { compositeSmallPlane, scratchBytes } from './composite';
