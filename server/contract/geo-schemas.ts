import { Type } from 'typebox';

/**
 * Simplification tolerance in degrees (Douglas-Peucker, topology-preserving
 * per polygon). 0.0005° is about 50 m: invisible on a city-wide wall map and
 * cuts the payload several-fold.
 */
export const Simplify = Type.Optional(Type.Number({ minimum: 0, maximum: 0.1, description: 'tolerance in degrees; 0 = full detail' }));

/** minLon, minLat, maxLon, maxLat in WGS84 degrees. */
export type Bbox = [number, number, number, number];
