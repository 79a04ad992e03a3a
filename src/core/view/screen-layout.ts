// How the terminal's rows are shared: header, chart, table, footer. At 80x24 the table keeps 12
// rows; the chart shrinks, then disappears, on shorter (or very narrow) terminals.

export interface ScreenLayout {
  header: number;
  chart: number;
  /** Rows for the table including its title row (list) or summary + title (detail). */
  body: number;
  footer: number;
}

export const HEADER_ROWS = 2;
export const FOOTER_ROWS = 2;
export const SUMMARY_ROWS = 2;

export function screenLayout(rows: number, cols: number, detail: boolean): ScreenLayout {
  const chart = cols < 40 ? 0 : rows >= 34 ? 10 : rows >= 22 ? 7 : 0;
  const header = HEADER_ROWS + (detail ? SUMMARY_ROWS : 0);
  const body = Math.max(1, rows - header - chart - FOOTER_ROWS);
  return { header, chart, body, footer: FOOTER_ROWS };
}
