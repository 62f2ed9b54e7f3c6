import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface Frame {
  stem: string;
  image: string;
  mask: string;
}

export interface Group {
  /** Path of the group below the dataset root, with '/' separators, e.g. `davis2016/rollerblade`. */
  name: string;
  /**
   * True when the stems are consecutive frame numbers (00000, 00001, ...): a video sequence, processed in order
   * at 30 fps timestamps. Numbered stills with gaps (photo ids) are not a sequence.
   */
  sequence: boolean;
  frames: Frame[];
}

const IMAGE_EXT = ['.jpg', '.jpeg', '.png'];

/** Consecutive numbers, in any order and zero-padding: frames of one video. */
export function isFrameSequence(stems: readonly string[]): boolean {
  if (stems.length < 2 || !stems.every((s) => /^\d+$/.test(s))) return false;
  const numbers = stems.map(Number).sort((a, b) => a - b);
  return numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);
}

/**
 * Finds every group in a dataset laid out as `<group>/images/<stem>.jpg|png` + `<group>/masks/<stem>.png`
 * (groups may be nested). Images without a mask are reported, not silently dropped.
 */
export async function discoverGroups(root: string): Promise<{ groups: Group[]; problems: string[] }> {
  const groups: Group[] = [];
  const problems: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
    if (names.has('images') && names.has('masks')) {
      const name = relative(root, dir).split(sep).join('/') || '.';
      const masks = new Set(await readdir(join(dir, 'masks')));
      const frames: Frame[] = [];
      for (const file of (await readdir(join(dir, 'images'))).sort()) {
        const ext = IMAGE_EXT.find((e) => file.toLowerCase().endsWith(e));
        if (!ext) continue;
        const stem = file.slice(0, -ext.length);
        if (!masks.has(`${stem}.png`)) {
          problems.push(`${name}/images/${file} has no masks/${stem}.png`);
          continue;
        }
        frames.push({ stem, image: join(dir, 'images', file), mask: join(dir, 'masks', `${stem}.png`) });
      }
      const sequence = isFrameSequence(frames.map((f) => f.stem));
      if (sequence) frames.sort((a, b) => Number(a.stem) - Number(b.stem));
      if (frames.length > 0) groups.push({ name, sequence, frames });
    }
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name !== 'images' && entry.name !== 'masks')
        await walk(join(dir, entry.name));
    }
  };
  if (!(await stat(root).catch(() => null))?.isDirectory())
    throw new Error(`dataset folder not found: ${root}`);
  await walk(root);
  groups.sort((a, b) => a.name.localeCompare(b.name));
  return { groups, problems };
}

/** The groups whose name contains one of `wanted` (case-insensitive); all of them when `wanted` is empty. */
export function selectGroups(groups: readonly Group[], wanted: readonly string[]): Group[] {
  if (wanted.length === 0) return [...groups];
  const needles = wanted.map((w) => w.toLowerCase());
  return groups.filter((g) => needles.some((n) => g.name.toLowerCase().includes(n)));
}
