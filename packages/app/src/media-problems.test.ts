import { describe, expect, it } from 'vitest';
import { classifyMediaError, describeMediaProblem } from './media-problems.js';

describe('classifyMediaError', () => {
  it('sorts getUserMedia errors by what the user can do', () => {
    expect(classifyMediaError('NotAllowedError')).toBe('denied');
    expect(classifyMediaError('NotFoundError')).toBe('missing');
    expect(classifyMediaError('NotReadableError')).toBe('busy');
    expect(classifyMediaError('TypeError')).toBe('other');
  });
});

describe('describeMediaProblem', () => {
  it('says nothing when both devices work', () => {
    expect(describeMediaProblem(undefined, undefined)).toBeUndefined();
  });

  it('explains a missing camera and that joining still works', () => {
    expect(describeMediaProblem('missing', undefined)).toBe(
      'No camera was found. You can join without video.',
    );
  });

  it('explains a busy microphone and its consequence', () => {
    expect(describeMediaProblem(undefined, 'busy')).toBe(
      'The microphone is in use by another application. You can join, but others will not hear you.',
    );
  });

  it('merges a double denial into one sentence', () => {
    expect(describeMediaProblem('denied', 'denied')).toMatch(
      /^Camera and microphone access was denied.*watch and listen\.$/,
    );
    expect(describeMediaProblem('denied', 'missing')).toBe(
      "Camera access was denied (allow it in this site's settings and reload). No microphone was found. You can still join to watch and listen.",
    );
  });
});
