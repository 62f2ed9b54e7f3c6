import { describe, expect, it } from 'vitest';
import { layerChanges, layerFor } from './video-layers.js';

describe('layerFor', () => {
  it('gives small camera tiles the low layer and big ones the high one', () => {
    expect(layerFor({ source: 'camera', heightPx: 150, visible: true }, undefined)).toBe('low');
    expect(layerFor({ source: 'camera', heightPx: 700, visible: true }, undefined)).toBe('high');
  });
  it('turns off what is not on screen; a share is on or off', () => {
    expect(layerFor({ source: 'camera', heightPx: 700, visible: false }, 'high')).toBe('off');
    expect(layerFor({ source: 'screen', heightPx: 100, visible: true }, undefined)).toBe('high');
    expect(layerFor({ source: 'screen', heightPx: 600, visible: false }, 'high')).toBe('off');
  });
});

describe('layerChanges', () => {
  it('sends only what changed since the last send', () => {
    const sent = new Map();
    const a = { participantId: 'p_a', source: 'camera' as const, layer: 'low' as const };
    const b = { participantId: 'p_b', source: 'camera' as const, layer: 'high' as const };
    expect(layerChanges(sent, [a, b])).toEqual([a, b]);
    expect(layerChanges(sent, [a, b])).toEqual([]);
    expect(layerChanges(sent, [a, { ...b, layer: 'off' }])).toEqual([{ ...b, layer: 'off' }]);
  });
});
