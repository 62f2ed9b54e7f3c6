export { loadBackgroundImage } from './background-image.js';
export { EffectError, type EffectErrorCode } from './errors.js';
export { detectFeatures, type Features } from './features.js';
export { type LogLevel, type LogSink, setEffectsLogSink } from './log.js';
export type { BudgetDecision, BudgetSnapshot, QualityLevel } from './mask/budget.js';
export { type Degraded, type DegradedReason, MIN_OUTPUT_SHARE } from './mask/output-verdict.js';
export {
  createMaskProcessor,
  type MaskProcessor,
  type MaskProcessorOptions,
  type MaskResult,
} from './mask-processor.js';
export {
  EFFECT_KINDS,
  type EffectKind,
  type EffectMode,
  formatMegabytes,
  IMAGE_LIMIT_TEXT,
  IMAGE_LIMITS,
  parseHexColor,
} from './mode.js';
export type { Renderer } from './render/compositor.js';
export type { Progress } from './segmentation/fetch-progress.js';
export type { Delegate } from './segmentation/segmenter.js';
export type { StartupPhase, StartupReport } from './startup/timeline.js';
export {
  BackgroundEffect,
  type BackgroundEffectEvents,
  type BackgroundEffectOptions,
  createBackgroundEffect,
  effectsSupported,
} from './track/background-effect.js';
export { type PreloadOptions, preloadEffects } from './track/runtime-caches.js';
export type { EffectStats, Stage } from './worker/stats.js';
