import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverGroups, type Group, isFrameSequence, selectGroups } from './dataset.js';

describe('isFrameSequence', () => {
  it('wants consecutive numbers', () => {
    expect(isFrameSequence(['00000', '00002', '00001'])).toBe(true);
    expect(isFrameSequence(['00074', '01166', '02144'])).toBe(false);
    expect(isFrameSequence(['1', 'b'])).toBe(false);
    expect(isFrameSequence(['7'])).toBe(false);
  });
});

async function touch(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '');
}

describe('discoverGroups', () => {
  it('finds flat and nested groups, tells sequences from stills, and orders frames numerically', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dataset-'));
    for (const stem of ['10', '9', '00011']) {
      await touch(join(root, 'video/clip-a/images', `${stem}.jpg`));
      await touch(join(root, 'video/clip-a/masks', `${stem}.png`));
    }
    for (const stem of ['alice', 'bob']) {
      await touch(join(root, 'portraits/images', `${stem}.png`));
      await touch(join(root, 'portraits/masks', `${stem}.png`));
    }
    await touch(join(root, 'portraits/images/orphan.jpg'));
    await touch(join(root, 'portraits/images/notes.txt'));
    const { groups, problems } = await discoverGroups(root);
    expect(groups.map((g) => [g.name, g.sequence, g.frames.map((f) => f.stem)])).toEqual([
      ['portraits', false, ['alice', 'bob']],
      ['video/clip-a', true, ['9', '10', '00011']],
    ]);
    expect(problems).toEqual(['portraits/images/orphan.jpg has no masks/orphan.png']);
  });

  it('says clearly when the folder does not exist', async () => {
    await expect(discoverGroups('/nonexistent/dataset')).rejects.toThrow(/not found/);
  });
});

describe('selectGroups', () => {
  const groups: Group[] = ['davis2016/breakdance-flare', 'davis2016/rollerblade', 'eg2016_portrait'].map(
    (name) => ({ name, sequence: false, frames: [] }),
  );
  it('keeps the groups whose name contains any wanted text, ignoring case', () => {
    expect(selectGroups(groups, ['Breakdance', 'portrait']).map((g) => g.name)).toEqual([
      'davis2016/breakdance-flare',
      'eg2016_portrait',
    ]);
    expect(selectGroups(groups, ['nothing'])).toEqual([]);
  });
  it('keeps all of them when nothing is asked for', () => {
    expect(selectGroups(groups, [])).toHaveLength(3);
  });
});
