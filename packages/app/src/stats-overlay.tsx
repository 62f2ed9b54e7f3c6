import type { EffectStats } from '@backdrop/effects';
import { useEffect, useState } from 'preact/hooks';

/** The overlay's text for the effect's figures (or that it is off). Pure. */
export function statsText(s: EffectStats | null): string {
  if (!s) return 'effect: off';
  const stages = Object.entries(s.msPerStage)
    .map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`)
    .join('  ');
  return [
    `${s.state} · ${s.renderer ?? '-'} · ${s.delegate ?? '-'} · ${s.pipeline ?? '-'}`,
    `fps in ${s.fpsIn.toFixed(0)} out ${s.fpsOut.toFixed(0)} · p50 ${s.msPerFrameP50.toFixed(1)} ms p95 ${s.msPerFrameP95.toFixed(1)} ms`,
    `ms: ${stages}`,
    s.budget ? `budget: ${JSON.stringify(s.budget)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** A small overlay with the effect's own figures: fps in/out, ms per stage, the budget controller's level. */
export function StatsOverlay({ read, shown }: { read: () => EffectStats | null; shown: boolean }) {
  const [text, setText] = useState(() => statsText(read()));
  useEffect(() => {
    // Read only while it is on screen.
    if (!shown) return;
    setText(statsText(read()));
    const timer = setInterval(() => setText(statsText(read())), 500);
    return () => clearInterval(timer);
  }, [shown]);
  return (
    <pre class="stats-overlay" aria-live="off" hidden={!shown}>
      {text}
    </pre>
  );
}
