// The wasm kernels' module: one module, one memory (src/mask/wasm/ lays it out).

export { maskWeightedBlur } from './blur';
export { boxPlane, fill } from './box';
export { compositeSmallPlane, scratchBytes } from './composite';
export { compositePicturePlane, pictureScratchBytes } from './composite-picture';
