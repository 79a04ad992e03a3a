import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeTags, sanitizeText } from '../../src/core/view/sanitize.js';

test('escape sequences go whole: CSI, OSC to BEL or ST, DCS, charset selection', () => {
  assert.equal(sanitizeText('a\x1b[31mred\x1b[0m', true), 'ared');
  assert.equal(sanitizeText('\x1b]2;pwn\x07title', true), 'title');
  assert.equal(sanitizeText('\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\', true), 'link');
  assert.equal(sanitizeText('x\x1bPq#0;2;0;0;0\x1b\\y', true), 'xy');
  assert.equal(sanitizeText('\x1b(0lqk\x1b(B', true), 'lqk');
  assert.equal(sanitizeText('\x1bcreset', true), 'reset');
  assert.equal(sanitizeText('unterminated\x1b]2;rest of it', true), 'unterminated');
});

test('C0, DEL and C1 controls are removed; tabs and newlines become spaces', () => {
  assert.equal(sanitizeText('a\x07b\x00c\x08d\x7fe', true), 'abcde');
  assert.equal(sanitizeText('a\u009b2Jb\u0085c\u009d0;x\u009cd', true), 'abcd');
  assert.equal(sanitizeText('arg1\targ2\narg3\r', true), 'arg1 arg2 arg3 ');
});

test('zero-width, bidi and combining characters are removed; wide CJK kept', () => {
  assert.equal(sanitizeText('ab\u202ecd\u200b\u2066e\ufeff', true), 'abcde');
  assert.equal(sanitizeText('e\u0301', true), 'e');
  assert.equal(sanitizeText('漢字 é ü', true), '漢字 é ü');
  assert.equal(sanitizeText('fire🔥x', true), 'firex');
});

test('without UTF-8 every non-ASCII character becomes ?', () => {
  assert.equal(sanitizeText('café 漢', false), 'caf? ?');
  assert.equal(sanitizeText('plain ascii ~!', false), 'plain ascii ~!');
});

test('blessed tags are escaped so they show literally', () => {
  assert.equal(escapeTags('{bold}x{/bold}'), '{open}bold{close}x{open}/bold{close}');
  assert.equal(escapeTags('no braces'), 'no braces');
});
