import { describe, expect, it } from 'vitest';
import { publisherSources, sameSetting, settingToApply, streamSetting } from './stream-sources.js';

const offer = (sections: [string, string, number?][]) =>
  [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    ...sections.flatMap(([kind, mid, port = 9]) => [
      `m=${kind} ${port} UDP/TLS/RTP/SAVPF 96`,
      'a=sendonly',
      `a=mid:${mid}`,
    ]),
  ].join('\r\n');

describe('publisherSources', () => {
  it('the first audio and video are the microphone and camera, the second of each the screen share', () => {
    const sources = publisherSources(
      offer([
        ['audio', '0'],
        ['video', '1'],
        ['video', '2'],
        ['audio', '3'],
      ]),
    );
    expect([...sources]).toEqual([
      ['0', 'camera'],
      ['1', 'camera'],
      ['2', 'screen'],
      ['3', 'screen'],
    ]);
  });

  it('counts stopped m-lines, so a mid keeps its meaning; skips other kinds', () => {
    const sources = publisherSources(
      offer([
        ['video', 'a', 0],
        ['application', 'x'],
        ['video', 'b'],
      ]),
    );
    expect(sources.get('a')).toBe('camera');
    expect(sources.get('b')).toBe('screen');
    expect(sources.has('x')).toBe(false);
  });
});

describe('streamSetting', () => {
  const video = { kind: 'video' as const, source: 'camera' as const, feedPaused: false };
  it('maps camera layers to VideoRoom substreams, lowest first', () => {
    expect(streamSetting({ ...video, layer: 'low' })).toEqual({ send: true, substream: 0 });
    expect(streamSetting({ ...video, layer: 'medium' })).toEqual({ send: true, substream: 1 });
    expect(streamSetting({ ...video, layer: 'high' })).toEqual({ send: true, substream: 2 });
  });
  it('pauses a video that is off screen, and any stream of a feed the direct path carries', () => {
    expect(streamSetting({ ...video, layer: 'off' })).toEqual({ send: false });
    expect(streamSetting({ ...video, feedPaused: true, layer: 'high' })).toEqual({ send: false });
    expect(streamSetting({ kind: 'audio', source: 'camera', feedPaused: true, layer: undefined })).toEqual({
      send: false,
    });
  });
  it('never pauses audio for a layer, and gives a screen share no substream', () => {
    expect(streamSetting({ kind: 'audio', source: 'camera', feedPaused: false, layer: 'off' })).toEqual({
      send: true,
    });
    expect(streamSetting({ ...video, source: 'screen', layer: 'low' })).toEqual({ send: true });
    expect(streamSetting({ ...video, source: 'screen', layer: 'off' })).toEqual({ send: false });
  });
  it('while resuming, a camera video gets the middle layer at most; audio, screen and pauses are as before', () => {
    const resuming = { ...video, resuming: true };
    expect(streamSetting({ ...resuming, layer: 'high' })).toEqual({ send: true, substream: 1 });
    expect(streamSetting({ ...resuming, layer: undefined })).toEqual({ send: true, substream: 1 });
    expect(streamSetting({ ...resuming, layer: 'medium' })).toEqual({ send: true, substream: 1 });
    expect(streamSetting({ ...resuming, layer: 'low' })).toEqual({ send: true, substream: 0 });
    expect(streamSetting({ ...resuming, layer: 'off' })).toEqual({ send: false });
    expect(streamSetting({ ...resuming, feedPaused: true, layer: 'high' })).toEqual({ send: false });
    expect(streamSetting({ ...resuming, source: 'screen', layer: 'high' })).toEqual({ send: true });
    expect(streamSetting({ ...resuming, kind: 'audio', layer: undefined })).toEqual({ send: true });
  });
  it('settingToApply asks for the top layer back once a camera video no layer was asked for had one set', () => {
    const camera = { kind: 'video' as const, source: 'camera' as const };
    expect(settingToApply({ send: true }, { send: true, substream: 1 }, camera)).toEqual({
      send: true,
      substream: 2,
    });
    expect(settingToApply({ send: true }, undefined, camera)).toEqual({ send: true });
    expect(settingToApply({ send: true }, { send: true }, camera)).toEqual({ send: true });
    expect(settingToApply({ send: false }, { send: true, substream: 1 }, camera)).toEqual({ send: false });
    expect(settingToApply({ send: true, substream: 0 }, { send: true, substream: 1 }, camera)).toEqual({
      send: true,
      substream: 0,
    });
    const screen = { kind: 'video' as const, source: 'screen' as const };
    expect(settingToApply({ send: true }, { send: true, substream: 1 }, screen)).toEqual({ send: true });
  });
  it('sameSetting compares send and substream', () => {
    expect(sameSetting(undefined, { send: true })).toBe(false);
    expect(sameSetting({ send: true, substream: 0 }, { send: true, substream: 0 })).toBe(true);
    expect(sameSetting({ send: true, substream: 0 }, { send: true, substream: 2 })).toBe(false);
  });
});
