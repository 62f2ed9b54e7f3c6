import { describe, expect, it } from 'vitest';
import {
  audioConstraints,
  type DeviceEntry,
  devicesOfKind,
  fallbackDevice,
  fallbackNotice,
  matchRemembered,
  parsePrefs,
} from './devices.js';

const cam = (deviceId: string, label: string, groupId = deviceId): DeviceEntry => ({
  deviceId,
  kind: 'videoinput',
  label,
  groupId,
});
const mic = (deviceId: string, label: string, groupId = deviceId): DeviceEntry => ({
  deviceId,
  kind: 'audioinput',
  label,
  groupId,
});

describe('remembered choice', () => {
  const devices = [cam('a', 'Built-in'), cam('b', 'USB Cam'), mic('b', 'USB Cam')];

  it('finds the same id, of the same kind only', () => {
    expect(matchRemembered(devices, 'videoinput', { deviceId: 'b', label: 'x' })?.label).toBe('USB Cam');
    expect(matchRemembered(devices, 'audioinput', { deviceId: 'a', label: 'Built-in' })).toBeUndefined();
  });

  it('falls back to the label when the id changed, and to the default when neither is there', () => {
    expect(matchRemembered(devices, 'videoinput', { deviceId: 'zz', label: 'USB Cam' })?.deviceId).toBe('b');
    expect(matchRemembered(devices, 'videoinput', { deviceId: 'zz', label: 'Gone' })).toBeUndefined();
    expect(matchRemembered(devices, 'videoinput', { deviceId: 'zz', label: '' })).toBeUndefined();
    expect(matchRemembered(devices, 'videoinput', undefined)).toBeUndefined();
  });
});

describe('fallback when a device goes away', () => {
  it('prefers the system default, then the same group, then the first other', () => {
    const withDefault = [mic('x', 'Headset', 'g1'), mic('default', 'Default'), mic('y', 'Headset 2', 'g1')];
    expect(fallbackDevice(withDefault, 'audioinput', { deviceId: 'x', groupId: 'g1' })?.deviceId).toBe(
      'default',
    );
    const noDefault = [mic('x', 'Headset', 'g1'), mic('z', 'Laptop', 'g2'), mic('y', 'Headset 2', 'g1')];
    expect(fallbackDevice(noDefault, 'audioinput', { deviceId: 'x', groupId: 'g1' })?.deviceId).toBe('y');
    expect(fallbackDevice(noDefault, 'audioinput', { deviceId: 'x' })?.deviceId).toBe('z');
  });

  it('never picks the lost device, another kind, or an id-less entry; none left is undefined', () => {
    const devices = [cam('a', 'Built-in'), mic('b', 'Mic'), cam('', '')];
    expect(fallbackDevice(devices, 'videoinput', { deviceId: 'a' })).toBeUndefined();
    expect(fallbackDevice([], 'videoinput', { deviceId: 'a' })).toBeUndefined();
  });

  it('says what happened in a sentence', () => {
    expect(fallbackNotice('videoinput', cam('b', 'USB Cam'))).toBe(
      'Your camera was disconnected; now using USB Cam.',
    );
    expect(fallbackNotice('audioinput', undefined)).toMatch(/no other was found; your microphone is off/);
  });
});

describe('device lists and constraints', () => {
  it('labels devices before permission, and drops id-less entries', () => {
    const listed = devicesOfKind([cam('a', ''), cam('', ''), cam('b', 'Named')], 'videoinput');
    expect(listed.map((d) => d.label)).toEqual(['Camera 1', 'Named']);
  });

  it('audio processing is on or off as a whole, with the exact device', () => {
    expect(audioConstraints('m1', true)).toEqual({
      deviceId: { exact: 'm1' },
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
    });
    expect(audioConstraints(undefined, false)).toEqual({
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    });
  });

  it('stored prefs are validated: garbage and wrong shapes give the defaults', () => {
    expect(parsePrefs(null)).toEqual({ audioProcessing: true });
    expect(parsePrefs('{not json')).toEqual({ audioProcessing: true });
    expect(parsePrefs(JSON.stringify({ videoinput: { deviceId: 5 } }))).toEqual({ audioProcessing: true });
    const good = { videoinput: { deviceId: 'a', label: 'Cam' }, audioProcessing: false };
    expect(parsePrefs(JSON.stringify(good))).toEqual(good);
  });
});
