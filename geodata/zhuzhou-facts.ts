/**
 * Public facts about Zhuzhou (株洲市, Hunan) that the demo city is built from.
 * Taken from ../shared/geodata/zhuzhou-facts.json (facts, not boundaries: the
 * boundary files themselves must never be copied into this project).
 * Populations are rounded 2020-census approximations.
 */
export type DistrictKind = 'urban district' | 'suburban district' | 'county' | 'county-level city';

export interface DistrictFact {
  code: string;
  name: string;
  nameEn: string;
  kind: DistrictKind;
  /** Government seat, lon/lat. */
  seat: [number, number];
  /** Area centroid, lon/lat. */
  centroid: [number, number];
  areaKm2: number;
  population: number;
}

export const ZHUZHOU = {
  code: '430200',
  name: '株洲市',
  nameEn: 'Zhuzhou',
  areaKm2: 11262,
  population: 3_900_000,
  reported: {
    grids: 3261,
    gridWorkers: 3402,
    incidentsReported: 103_500,
    incidentsClosed: 102_900,
    closureRate: 0.993,
    youxian: { streets: 17, communities: 297, grids: 520 },
  },
} as const;

export const ZHUZHOU_DISTRICTS: readonly DistrictFact[] = [
  {
    code: '430202',
    name: '荷塘区',
    nameEn: 'Hetang',
    kind: 'urban district',
    seat: [113.162548, 27.833036],
    centroid: [113.219503, 27.900997],
    areaKm2: 153,
    population: 380_000,
  },
  {
    code: '430203',
    name: '芦淞区',
    nameEn: 'Lusong',
    kind: 'urban district',
    seat: [113.155169, 27.827246],
    centroid: [113.254675, 27.805177],
    areaKm2: 221,
    population: 350_000,
  },
  {
    code: '430204',
    name: '石峰区',
    nameEn: 'Shifeng',
    kind: 'urban district',
    seat: [113.11295, 27.871945],
    centroid: [113.141998, 27.928496],
    areaKm2: 166,
    population: 280_000,
  },
  {
    code: '430211',
    name: '天元区',
    nameEn: 'Tianyuan',
    kind: 'urban district',
    seat: [113.136252, 27.826909],
    centroid: [113.073878, 27.706389],
    areaKm2: 324,
    population: 500_000,
  },
  {
    code: '430212',
    name: '渌口区',
    nameEn: 'Lukou',
    kind: 'suburban district',
    seat: [113.146175, 27.705844],
    centroid: [113.140154, 27.475297],
    areaKm2: 1057,
    population: 250_000,
  },
  {
    code: '430223',
    name: '攸县',
    nameEn: 'You County',
    kind: 'county',
    seat: [113.345774, 27.000071],
    centroid: [113.4818, 27.168027],
    areaKm2: 2662,
    population: 640_000,
  },
  {
    code: '430224',
    name: '茶陵县',
    nameEn: 'Chaling',
    kind: 'county',
    seat: [113.546509, 26.789534],
    centroid: [113.645654, 26.801089],
    areaKm2: 2506,
    population: 500_000,
  },
  {
    code: '430225',
    name: '炎陵县',
    nameEn: 'Yanling',
    kind: 'county',
    seat: [113.776884, 26.489459],
    centroid: [113.844178, 26.374699],
    areaKm2: 2038,
    population: 170_000,
  },
  {
    code: '430281',
    name: '醴陵市',
    nameEn: 'Liling',
    kind: 'county-level city',
    seat: [113.507157, 27.657873],
    centroid: [113.464077, 27.657636],
    areaKm2: 2139,
    population: 870_000,
  },
];

export const YOU_COUNTY_CODE = '430223';
