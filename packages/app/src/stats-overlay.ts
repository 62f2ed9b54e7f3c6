import type { EffectStats } from '@backdrop/effects';
import { h } from './dom.js';

/** A small overlay with the effect's own figures: fps in/out, ms per stage, the budget controller's level. */
export function createStatsOverlay(read: () => EffectStats | null): {
  element: HTMLElement;
  dispose(): void;
} {
  const element = h('pre', { class: 'stats-overlay', 'aria-live': 'off' });
  const render = () => {
    const s = read();
    if (!s) {
      element.textContent = 'effect: off';
      return;
    }
    const stages = Object.entries(s.msPerStage)
      .map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`)
      .join('  ');
    element.textContent = [
      `${s.state} · ${s.renderer ?? '-'} · ${s.delegate ?? '-'} · ${s.pipeline ?? '-'}`,
      `fps in ${s.fpsIn.toFixed(0)} out ${s.fpsOut.toFixed(0)} · p50 ${s.msPerFrameP50.toFixed(1)} ms p95 ${s.msPerFrameP95.toFixed(1)} ms`,
      `ms: ${stages}`,
      s.budget ? `budget: ${JSON.stringify(s.budget)}` : '',
    ]
      .filter(Boolean)
      .join('\n');
  };
  render();
  const timer = setInterval(render, 500);
  return { element, dispose: () => clearInterval(timer) };
}
