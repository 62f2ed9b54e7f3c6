/**
 * The structure-aware mutator: takes one valid client message and returns a frame that is almost, but not
 * quite, what a browser sends. Mutations work at three levels: on the message's fields (types, lengths at and
 * past the protocol limits, hostile Unicode, numbers, missing, duplicated and extra keys, deep nesting, SDP),
 * on the JSON text (truncation, byte flips, stray structure), and on the frame (binary, invalid UTF-8). Pure:
 * the same seed message and generator state give the same frame.
 */
import {
  type ClientMessage,
  MAX_CONTROL_MESSAGE_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_SDP_CHARS,
  NAME_MAX_CHARS,
} from '@backdrop/protocol';
import type { Rng } from './prng.js';
import { mutateSdp } from './sdp-mutate.js';

export interface Mutation {
  /** What was done, e.g. `['unicode', 'truncate']`; the report counts each. */
  families: string[];
  /** A string is sent as a text frame; bytes as a text frame too unless `binary` (invalid UTF-8 on purpose). */
  data: string | Uint8Array;
  binary: boolean;
}

/** A message being mutated, plus raw JSON snippets that `JSON.stringify` cannot produce (1e999, duplicate keys). */
interface Draft {
  value: unknown;
  raw: string[];
}

const rawValue = (draft: Draft, text: string): string => {
  draft.raw.push(text);
  return `@@raw:${draft.raw.length - 1}@@`;
};

function render(draft: Draft): string {
  let text = JSON.stringify(draft.value) ?? 'undefined';
  draft.raw.forEach((raw, i) => {
    text = text
      .replaceAll(`"@@rawkey:${i}@@":null`, raw)
      .replaceAll(`"@@raw:${i}@@"`, raw)
      .replaceAll(`@@raw:${i}@@`, raw);
  });
  return text;
}

function record(draft: Draft): Record<string, unknown> | undefined {
  const v = draft.value;
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function stringFields(message: Record<string, unknown>): string[] {
  return Object.keys(message).filter((k) => typeof message[k] === 'string');
}

const OTHER_TYPES = (rng: Rng, draft: Draft): unknown[] => [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  '',
  [],
  {},
  ['join'],
  { toString: 'x' },
  rawValue(draft, rng.pick(['1e999', '-0', '-1e999', '123456789012345678901234567890', '0.0000000001'])),
];

const HOSTILE_UNICODE = [
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\udc00\ud800', // reversed pair
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u200f', // right-to-left mark
  '\u200b', // zero width space
  '\u200d', // zero width joiner
  '\ufeff', // byte order mark
  '\u0000',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\ufffd',
  '\uffff',
  '\u{1f600}', // astral
  '\u{10ffff}',
  '\u0301'.repeat(200), // combining marks
  'Ａｌｉｃｅ', // fullwidth
  'Аlice', // Cyrillic A
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '\\u0000',
];

const NUMBERS_AS_TEXT = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e3',
  '0x10',
  ' 1',
  '1_000',
  '-0',
  '9007199254740993',
  '',
];
const RAW_NUMBERS = [
  '1e999',
  '-1e999',
  '-0',
  '9007199254740993',
  '1.0000000000000002',
  '-1',
  '0.5',
  '1E+2',
  '00',
];
const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'participantId',
  'toString',
  'hasOwnProperty',
  'room',
  'sdp',
  'x',
];

type Mutator = (draft: Draft, rng: Rng, names: string[]) => void;

/** Mutations of the message object (or of the value as a whole). */
const OBJECT_MUTATIONS: Record<string, { weight: number; apply: Mutator }> = {
  fieldType: {
    weight: 3,
    apply(draft, rng) {
      const m = record(draft);
      if (!m) return;
      const key = rng.pick([...Object.keys(m), 'id']);
      m[key] = rng.pick(OTHER_TYPES(rng, draft));
    },
  },
  fieldLength: {
    weight: 3,
    apply(draft, rng) {
      const m = record(draft);
      if (!m) return;
      const key = rng.pick([...stringFields(m), 'id', 'name', 'room']);
      const mode = rng.int(3);
      if (mode === 0) {
        // A length in characters around the field limits.
        const unit = rng.pick(['a', 'é', '\u{1f600}', '-']);
        const length = rng.pick([
          0,
          1,
          63,
          NAME_MAX_CHARS,
          NAME_MAX_CHARS + 1,
          MAX_SDP_CHARS,
          MAX_SDP_CHARS + 1,
        ]);
        m[key] = unit.repeat(Math.ceil(length / unit.length));
      } else {
        // The whole frame at or just past a byte limit.
        m[key] = '';
        const base = Buffer.byteLength(render(draft));
        const target = rng.pick([
          MAX_CONTROL_MESSAGE_BYTES,
          MAX_CONTROL_MESSAGE_BYTES + 1,
          MAX_MESSAGE_BYTES,
          MAX_MESSAGE_BYTES + 1,
          ...(mode === 2 ? [MAX_MESSAGE_BYTES * 2] : []),
        ]);
        m[key] = 'a'.repeat(Math.max(0, target - base));
      }
    },
  },
  unicode: {
    weight: 3,
    apply(draft, rng) {
      const m = record(draft);
      if (!m) return;
      const key = rng.pick([...stringFields(m), 'name', 'room']);
      const current = typeof m[key] === 'string' ? (m[key] as string) : 'Alice';
      const insert = rng.pick(HOSTILE_UNICODE);
      const at = rng.int(current.length + 1);
      m[key] = rng.chance(0.2) ? insert : current.slice(0, at) + insert + current.slice(at);
    },
  },
  number: {
    weight: 2,
    apply(draft, rng) {
      const m = record(draft);
      if (!m) return;
      const key = rng.pick(['id', 'id', ...Object.keys(m)]);
      m[key] = rng.chance(0.5) ? rng.pick(NUMBERS_AS_TEXT) : rawValue(draft, rng.pick(RAW_NUMBERS));
    },
  },
  dropField: {
    weight: 2,
    apply(draft, rng) {
      const m = record(draft);
      if (!m) return;
      const keys = Object.keys(m);
      if (keys.length > 0) delete m[rng.pick(keys)];
    },
  },
  duplicateKey: {
    weight: 2,
    apply(draft, rng) {
      const m = record(draft);
      if (!m) return;
      const key = rng.pick(Object.keys(m).length > 0 ? Object.keys(m) : ['type']);
      const value = rng.pick([m[key], 'leave', 'join', null, 7, { type: 'leave' }]);
      const token = `@@rawkey:${draft.raw.length}@@`;
      draft.raw.push(`${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`);
      // Before or after the original key: JSON.parse keeps the last one.
      const entries = Object.entries(m);
      for (const k of Object.keys(m)) delete m[k];
      if (rng.chance(0.5)) m[token] = null;
      for (const [k, v] of entries) m[k] = v;
      if (!(token in m)) m[token] = null;
    },
  },
  addField: {
    weight: 3,
    apply(draft, rng) {
      const m = record(draft);
      if (!m) return;
      const key = rng.pick(EXTRA_KEYS);
      const value = rng.pick([
        { polluted: true },
        'p-spoofed',
        null,
        [],
        { prototype: { polluted: true } },
        1,
      ]);
      const token = `@@rawkey:${draft.raw.length}@@`;
      draft.raw.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
      m[token] = null;
    },
  },
  nesting: {
    weight: 2,
    apply(draft, rng) {
      const depth = rng.pick([10, 100, 1000, 5000, 20_000]);
      const array = rng.chance(0.5);
      const open = (array ? '[' : '{"a":').repeat(depth);
      const close = (array ? ']' : '}').repeat(rng.chance(0.8) ? depth : rng.int(depth));
      const m = record(draft);
      const token = rawValue(draft, `${open}1${close}`);
      if (m && rng.chance(0.7)) m[rng.pick([...Object.keys(m), 'extra'])] = token;
      else draft.value = token;
    },
  },
  typeSwap: {
    weight: 2,
    apply(draft, rng) {
      const m = record(draft);
      if (!m) return;
      m.type = rng.pick([
        'join',
        'publish',
        'subscriberAnswer',
        'leave',
        'JOIN',
        ' join',
        'join\u0000',
        'joined',
        'error',
        'welcome',
        '__proto__',
        'constructor',
        'toString',
        '',
      ]);
    },
  },
  topLevel: {
    weight: 1,
    apply(draft, rng) {
      draft.value = rng.pick([null, 42, 'join', [], [draft.value], true, { message: draft.value }]);
    },
  },
  sdp: {
    weight: 4,
    apply(draft, rng, names) {
      const m = record(draft);
      if (!m || typeof m.sdp !== 'string') {
        OBJECT_MUTATIONS.fieldType!.apply(draft, rng, names);
        return;
      }
      const result = mutateSdp(m.sdp, rng);
      m.sdp = result.sdp;
      names.push(...result.names.map((n) => `sdp.${n}`));
    },
  },
};

/** Mutations of the JSON text. */
const TEXT_MUTATIONS: Record<string, (text: string, rng: Rng) => string> = {
  truncate: (text, rng) => text.slice(0, rng.int(text.length)),
  byteFlip(text, rng) {
    const chars = [...text];
    const flips = rng.range(1, 4);
    for (let i = 0; i < flips && chars.length > 0; i++)
      chars[rng.int(chars.length)] = String.fromCharCode(rng.range(0x20, 0x7e));
    return chars.join('');
  },
  structure(text, rng) {
    const at = rng.int(text.length + 1);
    const piece = rng.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\\u', '\\ud800', ',,', '}{', 'null']);
    return rng.chance(0.5)
      ? text.slice(0, at) + piece + text.slice(at)
      : text.slice(0, at) + text.slice(at + 1);
  },
  wrapping(text, rng) {
    const [before, after] = rng.pick([
      ['\ufeff', ''],
      [' \t\r\n', ' \n'],
      ['', '\u0000'],
      ['/*x*/', ''],
      ['', text],
      ['', ' trailing'],
      ['[', ']'],
    ]);
    return before + text + after;
  },
};

const OBJECT_NAMES = Object.keys(OBJECT_MUTATIONS);
const OBJECT_WEIGHTS = OBJECT_NAMES.map((n) => OBJECT_MUTATIONS[n]!.weight);
const TOTAL_WEIGHT = OBJECT_WEIGHTS.reduce((a, b) => a + b, 0);
export const MUTATION_FAMILIES = [...OBJECT_NAMES, ...Object.keys(TEXT_MUTATIONS), 'binary', 'invalidUtf8'];

function pickObjectMutation(rng: Rng, hasSdp: boolean): string {
  // Messages with SDP get SDP mutations half the time, so the SDP checks see a lot of them.
  if (hasSdp && rng.chance(0.5)) return 'sdp';
  let r = rng.next() * TOTAL_WEIGHT;
  for (let i = 0; i < OBJECT_NAMES.length; i++) {
    r -= OBJECT_WEIGHTS[i]!;
    if (r < 0) return OBJECT_NAMES[i]!;
  }
  return OBJECT_NAMES.at(-1)!;
}

/** One mutated frame made from a valid `seed`. */
export function mutate(seed: ClientMessage, rng: Rng): Mutation {
  const draft: Draft = { value: structuredClone(seed), raw: [] };
  const families: string[] = [];
  const objectCount = rng.chance(0.3) ? 2 : 1;
  for (let i = 0; i < objectCount; i++) {
    const name = pickObjectMutation(rng, 'sdp' in seed);
    families.push(name);
    OBJECT_MUTATIONS[name]!.apply(draft, rng, families);
  }
  let text = render(draft);
  if (rng.chance(0.15)) {
    const name = rng.pick(Object.keys(TEXT_MUTATIONS));
    families.push(name);
    text = TEXT_MUTATIONS[name]!(text, rng);
  }
  const frame = rng.next();
  if (frame < 0.03) {
    families.push('binary');
    const bytes = rng.chance(0.5)
      ? new TextEncoder().encode(text)
      : Uint8Array.from({ length: rng.range(0, 256) }, () => rng.int(256));
    return { families, data: bytes, binary: true };
  }
  if (frame < 0.04) {
    families.push('invalidUtf8');
    const bytes = new TextEncoder().encode(text);
    const at = rng.int(bytes.length + 1);
    const bad = rng.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]]);
    const out = new Uint8Array(bytes.length + bad.length);
    out.set(bytes.subarray(0, at), 0);
    out.set(bad, at);
    out.set(bytes.subarray(at), at + bad.length);
    return { families, data: out, binary: false };
  }
  return { families, data: text, binary: false };
}
