import gcoordModule from 'gcoord';

// gcoord's types declare an ES default export, but the package is CommonJS
// (module.exports = the API), so Node gives the API itself as the default import.
const gcoord = gcoordModule as unknown as typeof gcoordModule.default;

/**
 * Coordinates from Chinese map SDKs: phones inside Amap, Tencent maps and
 * WeChat mini programs give GCJ-02 (the "Mars" offset, up to ~700 m from
 * WGS84), Baidu gives BD-09 (GCJ-02 with a further offset). What we store is
 * WGS84 (EPSG:4326), so a point given in either is converted on arrival.
 * gcoord inverts GCJ-02 iteratively to 1e-6 degrees (~0.1 m), far below a
 * phone's accuracy. Outside China both offsets are zero by definition
 * (gcoord returns the point unchanged there).
 */
export const INPUT_CRS = ['wgs84', 'gcj02', 'bd09'] as const;
export type InputCrs = (typeof INPUT_CRS)[number];

const GCOORD_CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** [longitude, latitude] in `crs` → [longitude, latitude] in WGS84. */
export function toWgs84(lonLat: readonly [number, number], crs: InputCrs = 'wgs84'): [number, number] {
  if (crs === 'wgs84') return [lonLat[0], lonLat[1]];
  const [lon, lat] = gcoord.transform([lonLat[0], lonLat[1]], GCOORD_CRS[crs], gcoord.WGS84) as [number, number];
  return [lon, lat];
}
