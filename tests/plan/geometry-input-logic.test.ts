import { describe, expect, it } from 'vitest';
import { lineShape, MAX_SPAN_DEGREES, polygonalShape, positionShape } from '../../server/plans/geojson-shape.js';
import { isGeometryEngineError, validityInWords } from '../../server/plans/geometry-validity.js';
import { mostRelevantError, type AjvError } from '../../server/plugins/validation-error.js';

/** Pure checks of incoming geometry and of which validation error is shown; the HTTP cases are in geometry-input.test.ts. */
const square = (x: number, y: number, d: number) => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const limits = { maxVertices: 20, maxRings: 3 };

describe('the shape of an incoming polygon', () => {
  const cases: [string, unknown, string | null, RegExp?][] = [
    ['a square', { type: 'Polygon', coordinates: [square(113, 27, 0.01)] }, null],
    ['a MultiPolygon', { type: 'MultiPolygon', coordinates: [[square(113, 27, 0.01)], [square(113.1, 27, 0.01)]] }, null],
    ['a Point', { type: 'Point', coordinates: [113, 27] }, 'not_polygon', /geometry: must be a Polygon or MultiPolygon, not Point/],
    ['null', null, 'not_polygon', /not missing/],
    ['a string', 'POLYGON((0 0,1 0,1 1,0 0))', 'not_polygon', /not string/],
    ['no rings', { type: 'Polygon', coordinates: [] }, 'empty_geometry', /geometry.coordinates: empty/],
    ['an empty part', { type: 'MultiPolygon', coordinates: [[]] }, 'empty_geometry', /geometry.coordinates.0: the polygon has no rings/],
    ['coordinates not an array', { type: 'Polygon', coordinates: 'x' }, 'bad_coordinates', /geometry.coordinates: must be an array/],
    [
      'three positions',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      'too_few_positions',
      /coordinates.0: .*has 3/,
    ],
    [
      'an unclosed ring',
      {
        type: 'Polygon',
        coordinates: [
          square(113, 27, 0.01)
            .slice(0, 4)
            .concat([[113, 27.005]]),
        ],
      },
      'unclosed_ring',
      /coordinates.0: the ring is not closed/,
    ],
    [
      'a string coordinate',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            ['1', 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'bad_coordinates',
      /coordinates.0.1: a position must be/,
    ],
    [
      'four numbers',
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0, 0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'bad_coordinates',
      /coordinates.0.0/,
    ],
    [
      'Infinity',
      {
        type: 'Polygon',
        coordinates: [
          [
            [Infinity, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'bad_coordinates',
      /finite/,
    ],
    ['longitude 200', { type: 'Polygon', coordinates: [square(200, 10, 1)] }, 'coordinate_out_of_range', /coordinates.0.0: longitude 200 is outside -180..180/],
    ['latitude -91', { type: 'Polygon', coordinates: [square(10, -91, 1)] }, 'coordinate_out_of_range', /latitude -91/],
    ['a huge coordinate', { type: 'Polygon', coordinates: [square(1e300, 0, 1)] }, 'coordinate_out_of_range', /longitude 1e\+300/],
    [
      'the whole world',
      {
        type: 'Polygon',
        coordinates: [
          [
            [-180, -90],
            [180, -90],
            [180, 90],
            [-180, 90],
            [-180, -90],
          ],
        ],
      },
      'too_large',
      /spans 360° of longitude and 180° of latitude/,
    ],
    [
      'a box across the antimeridian',
      {
        type: 'Polygon',
        coordinates: [
          [
            [179, 10],
            [-179, 10],
            [-179, 11],
            [179, 11],
            [179, 10],
          ],
        ],
      },
      'too_large',
      /antimeridian/,
    ],
    [
      'an edge between antipodes',
      {
        type: 'Polygon',
        coordinates: [
          [
            [-90, 0],
            [90, 0],
            [0, 45],
            [-90, 0],
          ],
        ],
      },
      'too_large',
      /spans 180°/,
    ],
    [
      'too many vertices',
      { type: 'Polygon', coordinates: [Array.from({ length: 21 }, (_, i) => (i === 20 ? [0, 0] : [Math.cos(i / 3), Math.sin(i / 3)]))] },
      'too_many_vertices',
      /21 vertices, more than the limit of 20 per feature \(GRIDSCOPE_GEOMETRY_MAX_VERTICES\)/,
    ],
    [
      'too many rings',
      { type: 'MultiPolygon', coordinates: [[square(0, 0, 1)], [square(2, 0, 1)], [square(4, 0, 1), square(4.1, 0.1, 0.1)]] },
      'too_many_rings',
      /4 rings, more than the limit of 3/,
    ],
  ];
  it.each(cases)('%s', (_, geometry, reason, message) => {
    const result = polygonalShape(geometry, limits);
    if (reason === null) return expect(result.valid).toBe(true);
    expect(result).toMatchObject({ valid: false, reason });
    if (!result.valid) expect(result.message).toMatch(message!);
  });

  it('counts the vertices of a million-vertex polygon without walking them', () => {
    const ring = new Array(1_000_000).fill([113, 27]);
    expect(polygonalShape({ type: 'Polygon', coordinates: [ring] })).toMatchObject({ valid: false, reason: 'too_many_vertices' });
  });

  it('drops a height and keeps the rest', () => {
    const result = polygonalShape({ type: 'Polygon', coordinates: [square(113, 27, 0.01).map(([x, y]) => [x, y, 42])] }, limits, 'body.geometry');
    expect(result).toEqual({ valid: true, geometry: { type: 'Polygon', coordinates: [square(113, 27, 0.01)] } });
  });

  it('names the path it was given', () => {
    const result = polygonalShape({ type: 'Polygon', coordinates: [square(200, 0, 1)] }, limits, 'body.geometry');
    expect(!result.valid && result.message).toMatch(/^body\.geometry\.coordinates\.0\.0: /);
  });

  it('checks lines and single positions the same way', () => {
    expect(
      lineShape(
        {
          type: 'LineString',
          coordinates: [
            [113, 27, 5],
            [113.1, 27],
          ],
        },
        limits,
        'body.line',
      ),
    ).toEqual({
      valid: true,
      geometry: {
        type: 'LineString',
        coordinates: [
          [113, 27],
          [113.1, 27],
        ],
      },
    });
    expect(
      lineShape(
        {
          type: 'LineString',
          coordinates: [
            [179, 10],
            [-179, 10],
          ],
        },
        limits,
        'body.line',
      ),
    ).toMatchObject({ valid: false, reason: 'too_large' });
    expect(lineShape({ type: 'Polygon', coordinates: [] }, limits, 'body.line')).toMatchObject({ valid: false, reason: 'not_line' });
    expect(positionShape([181, 0], 'body.moved.0.to')).toMatchObject({
      valid: false,
      reason: 'coordinate_out_of_range',
      message: expect.stringMatching(/^body\.moved\.0\.to: /),
    });
    expect(MAX_SPAN_DEGREES).toBeLessThan(90);
  });
});

describe('GEOS in our words', () => {
  it.each([
    ['Self-intersection', 'self_intersection', /crosses or touches itself/],
    ['Ring Self-intersection', 'self_intersection', /crosses or touches itself/],
    ['Hole lies outside shell', 'invalid_geometry', /hole lies outside/],
    ['Too few points in geometry component', 'invalid_geometry', /fewer than three distinct corners/],
    ['Something new in GEOS 4', 'invalid_geometry', /not valid/],
  ])('%s', (text, reason, words) => {
    const v = validityInWords(text, [113.1234567, 27.5]);
    expect(v.reason).toBe(reason);
    expect(v.message).toMatch(words);
    expect(v.message).toMatch(/near 113\.123457, 27\.500000$/);
    expect(v.message).not.toContain(text);
  });

  it('knows a GEOS exception from other database errors', () => {
    const dbError = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(isGeometryEngineError(dbError('XX000', 'GEOSIntersects: TopologyException: side location conflict at 113 27'))).toBe(true);
    expect(
      isGeometryEngineError(
        dbError('XX000', 'lwgeom_intersection_prec: GEOS Error: IllegalArgumentException: Points of LinearRing do not form a closed linestring'),
      ),
    ).toBe(true);
    expect(isGeometryEngineError(dbError('XX000', 'Antipodal (180 degrees long) edge detected!'))).toBe(true);
    expect(isGeometryEngineError(dbError('XX000', 'could not read block 7 in file "base/1/2"'))).toBe(false);
    expect(isGeometryEngineError(dbError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isGeometryEngineError(new Error('GEOS'))).toBe(false);
  });
});

describe('which validation error names the field', () => {
  // What ajv (verbose, allErrors off) reports for an `add` edit whose geometry is a Point.
  const branches = [
    { type: 'object', required: ['op', 'key'], properties: { op: { const: 'reshape' } } },
    {
      type: 'object',
      required: ['op', 'geometry'],
      properties: {
        op: { const: 'add' },
        geometry: {
          anyOf: [
            { type: 'object', properties: { type: { const: 'Polygon' } } },
            { type: 'object', properties: { type: { const: 'MultiPolygon' } } },
          ],
        },
      },
    },
  ];
  const data = { op: 'add', geometry: { type: 'Point', coordinates: [1, 2] } };
  const errors: AjvError[] = [
    {
      keyword: 'required',
      instancePath: '',
      schemaPath: '#/anyOf/0/required',
      params: { missingProperty: 'key' },
      message: "must have required property 'key'",
    },
    {
      keyword: 'const',
      instancePath: '/geometry/type',
      schemaPath: '#/anyOf/1/properties/geometry/anyOf/0/properties/type/const',
      params: { allowedValue: 'Polygon' },
      message: 'must be equal to constant',
    },
    {
      keyword: 'const',
      instancePath: '/geometry/type',
      schemaPath: '#/anyOf/1/properties/geometry/anyOf/1/properties/type/const',
      params: { allowedValue: 'MultiPolygon' },
      message: 'must be equal to constant',
    },
    {
      keyword: 'anyOf',
      instancePath: '/geometry',
      schemaPath: '#/anyOf/1/properties/geometry/anyOf',
      params: {},
      message: 'must match a schema in anyOf',
      schema: branches[1]!.properties.geometry!.anyOf,
      data: data.geometry,
    },
    { keyword: 'anyOf', instancePath: '', schemaPath: '#/anyOf', params: {}, message: 'must match a schema in anyOf', schema: branches, data },
  ];

  it('follows the branch whose discriminator matches, down to the nested union', () => {
    expect(mostRelevantError(errors)).toMatchObject({ instancePath: '/geometry/type', message: 'must be one of Polygon, MultiPolygon' });
  });

  it("reports the matching branch's own first error", () => {
    const inAdd = {
      keyword: 'minimum',
      instancePath: '/geometry/coordinates',
      schemaPath: '#/anyOf/1/properties/geometry/anyOf/0/properties/coordinates/minItems',
      params: {},
      message: 'must NOT have fewer than 1 items',
    };
    const polygonData = { op: 'add', geometry: { type: 'Polygon', coordinates: [] } };
    const list = [errors[0]!, inAdd, errors[2]!, { ...errors[3]!, data: polygonData.geometry }, { ...errors[4]!, data: polygonData }];
    expect(mostRelevantError(list)).toBe(inAdd);
  });

  it('names the discriminator when no branch matches', () => {
    expect(mostRelevantError([errors[0]!, { ...errors[4]!, data: { op: 'paint' } }])).toMatchObject({
      instancePath: '/op',
      message: 'must be one of reshape, add',
    });
  });

  it('lists the allowed values of a union of literals, and the allowed types otherwise', () => {
    const literals = [
      { type: 'string', const: 'user' },
      { type: 'string', const: 'token' },
    ];
    const failed = (schema: unknown[], data: unknown): AjvError[] => [
      { keyword: 'const', instancePath: '/kind', schemaPath: '#/properties/kind/anyOf/0/const', params: {}, message: 'must be equal to constant' },
      { keyword: 'anyOf', instancePath: '/kind', schemaPath: '#/properties/kind/anyOf', params: {}, message: 'must match a schema in anyOf', schema, data },
    ];
    expect(mostRelevantError(failed(literals, 'robot'))).toMatchObject({ instancePath: '/kind', message: 'must be one of user, token' });
    expect(mostRelevantError(failed([{ type: 'string' }, { type: 'null' }], 7))).toMatchObject({ message: 'must be string or null' });
  });

  it('leaves errors outside unions alone', () => {
    const plain = { keyword: 'type', instancePath: '/name', schemaPath: '#/properties/name/type', params: {}, message: 'must be string' };
    expect(mostRelevantError([plain])).toBe(plain);
    expect(mostRelevantError([])).toBeUndefined();
  });
});
