import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asciiChart, perSecond } from '../../src/core/view/ascii-chart.js';
import { renderBar } from '../../src/core/view/bar.js';
import { chartUnit, formatBitRate, formatByteRate, formatBytes, formatRate, nextUnits } from '../../src/core/view/units.js';
import { fitLeft, fitRight, textWidth, truncate } from '../../src/core/view/width.js';

test('bytes in binary units, one decimal below 100, none above', () => {
  const cases: Array<[number, string]> = [
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [102400, '100 KiB'],
    [1048063, '1023 KiB'],
    [1048064, '1.0 MiB'],
    [123456789, '118 MiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
    [2 ** 50, '1.0 PiB'],
    [-5, '0 B'],
  ];
  for (const [n, s] of cases) assert.equal(formatBytes(n), s, String(n));
  assert.equal(formatByteRate(1536), '1.5 KiB/s');
});

test('bits in decimal units from bytes per second', () => {
  assert.equal(formatBitRate(0), '0 bit/s');
  assert.equal(formatBitRate(100), '800 bit/s');
  assert.equal(formatBitRate(125), '1.0 kbit/s');
  assert.equal(formatBitRate(980000), '7.8 Mbit/s');
  assert.equal(formatBitRate(118000000), '944 Mbit/s');
  assert.equal(formatBitRate(125e6), '1.0 Gbit/s');
  assert.equal(formatRate(125, 'bits'), '1.0 kbit/s');
  assert.equal(formatRate(125, 'total'), '125 B/s');
});

test('values never exceed 11 cells', () => {
  for (let e = 0; e < 60; e += 0.37) {
    const v = 2 ** e;
    assert.ok(formatByteRate(v).length <= 11, formatByteRate(v));
    assert.ok(formatBitRate(v).length <= 11, formatBitRate(v));
  }
});

test('units cycle bytes -> bits -> total -> bytes; chart units follow the peak', () => {
  assert.equal(nextUnits('bytes'), 'bits');
  assert.equal(nextUnits('bits'), 'total');
  assert.equal(nextUnits('total'), 'bytes');
  assert.deepEqual(chartUnit(500, 'bytes'), { divisor: 1, label: 'B/s' });
  assert.deepEqual(chartUnit(3 * 1024 * 1024, 'bytes'), { divisor: 1024 * 1024, label: 'MiB/s' });
  assert.deepEqual(chartUnit(125000, 'bits'), { divisor: 125000, label: 'Mbit/s' });
});

test('bars in eighths, scaled to the maximum, padded to the width', () => {
  assert.equal(renderBar(10, 10, 4, false), '████');
  assert.equal(renderBar(5, 10, 4, false), '██  ');
  assert.equal(renderBar(1, 8, 1, false), '▏');
  assert.equal(renderBar(3, 8, 1, false), '▍');
  assert.equal(renderBar(7, 8, 1, false), '▉');
  assert.equal(renderBar(11, 16, 2, false), '█▍');
  assert.equal(renderBar(0.001, 10, 4, false), '▏   ', 'any traffic shows');
  assert.equal(renderBar(0, 10, 4, false), '    ');
  assert.equal(renderBar(5, 0, 3, false), '   ');
  assert.equal(renderBar(5, 10, 4, true), '##  ');
  assert.equal(renderBar(0.001, 10, 4, true), '.   ');
  assert.equal(renderBar(20, 10, 3, true), '###', 'clamped at the maximum');
});

test('widths count double-width characters; fitting pads and cuts at cell boundaries', () => {
  assert.equal(textWidth('abc'), 3);
  assert.equal(textWidth('漢字x'), 5);
  assert.equal(truncate('abcdef', 4, '…'), 'abc…');
  assert.equal(truncate('漢字漢字', 5, '…'), '漢字…');
  assert.equal(fitLeft('ab', 4, '~'), 'ab  ');
  assert.equal(fitRight('ab', 4, '~'), '  ab');
  assert.equal(fitLeft('漢字漢', 4, '~'), '漢~ ');
});

test('ASCII column chart: newest at the right, scaled to the largest value', () => {
  assert.deepEqual(asciiChart([0, 5, 10], 4, 2), ['   #', '  ##']);
  assert.deepEqual(asciiChart([1, 2, 3, 4, 5, 6], 3, 1), ['###']);
  assert.deepEqual(asciiChart([0, 0], 2, 2), ['  ', '  ']);
  assert.deepEqual(perSecond([500, 1000], 500), [1000, 2000]);
});

test('chart axes: a round top and ticks on 1-2-5 steps (13 and 38 never show up as ticks)', async () => {
  const { yAxis } = await import('../../src/core/view/chart.js');
  assert.deepEqual(yAxis(38, 4), { top: 40, step: 10 });
  assert.deepEqual(yAxis(113, 4), { top: 150, step: 50 });
  assert.deepEqual(yAxis(13, 4), { top: 15, step: 5 });
  assert.deepEqual(yAxis(1.3, 3), { top: 1.5, step: 0.5 });
  assert.deepEqual(yAxis(0, 4), { top: 1, step: 1 });
  assert.deepEqual(yAxis(100, 4), { top: 100, step: 50 });
});
