// The wasm kernels' module: one module, one memory (src/mask/wasm/ lays it out).

export { bandCoefficients, bandRefine, bandWorkBytes } from './band';
export { maskWeightedBlur } from './blur';
export { boxPlane, boxScratchBytes, fill } from './box';
export { packedYuvToRgba } from './colour';
export { compositeSmallPlane, scratchBytes } from './composite';
export { compositePicturePlane, pictureScratchBytes } from './composite-picture';
export { halvePlane } from './halve';
export { edgeBytes, flatNeighbourhoods, jointBilateral, smoothMask } from './refiner';
export { i420ToRgba, rgbToI420 } from './rgb';
export { rgbTensor } from './tensor';
