// Bandwidth bars in eighths of a cell (▏▎▍▌▋▊▉█), or '#' per cell when the terminal cannot show
// them. Scaled to the busiest row, so the top row fills the column.

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of exactly `width` cells (padded with spaces). Any non-zero value shows at least a sliver. */
export function renderBar(value: number, max: number, width: number, ascii: boolean): string {
  if (width <= 0) return '';
  const ratio = max > 0 && value > 0 ? Math.min(1, value / max) : 0;
  let bar: string;
  if (ascii) {
    const cells = Math.round(ratio * width);
    bar = cells === 0 && ratio > 0 ? '.' : '#'.repeat(cells);
  } else {
    let eighths = Math.round(ratio * width * 8);
    if (eighths === 0 && ratio > 0) eighths = 1;
    bar = '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
  }
  return bar + ' '.repeat(width - [...bar].length);
}
