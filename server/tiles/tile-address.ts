import { badRequest } from '../http-errors.js';
import { MAX_TILE_ZOOM, type TileAddress } from './tile-layers.js';

/**
 * A tile's z/x/y from the URL, range-checked before any SQL (a bad tile
 * coordinate is a 400 naming the part, not a database error): whole decimal
 * numbers only (no 1e3, no -0, no 1e309), z within 0..22, x and y within 0..2^z-1.
 */
export function parseTileAddress(z: string, x: string, y: string): TileAddress {
  const zoom = wholeNumber(z, 'z');
  if (zoom > MAX_TILE_ZOOM) throw badRequest('z', `must be a zoom level from 0 to ${MAX_TILE_ZOOM}`, `缩放级别须在 0 到 ${MAX_TILE_ZOOM} 之间`);
  const last = 2 ** zoom - 1;
  const address = { z: zoom, x: wholeNumber(x, 'x'), y: wholeNumber(y, 'y') };
  for (const part of ['x', 'y'] as const) {
    if (address[part] > last) throw badRequest(part, `must be from 0 to ${last} at zoom ${zoom}`, `在缩放级别 ${zoom} 须在 0 到 ${last} 之间`);
  }
  return address;
}

function wholeNumber(raw: string, part: string): number {
  // At most 7 digits: 2^22 - 1 has 7, and longer strings could not be in range anyway.
  if (!/^(0|[1-9]\d{0,6})$/.test(raw))
    throw badRequest(part, 'must be a whole number of at most 7 digits, without sign or exponent', '须为不超过 7 位的非负整数');
  return Number(raw);
}
