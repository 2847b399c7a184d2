import { YOU_COUNTY_CODE, ZHUZHOU, type DistrictFact } from '../zhuzhou-facts.js';
import { RESIDENTS_PER_GRID } from './district-sizing.js';
import { apportion, type Random } from './random.js';

/** How many streets, communities and grids one district gets. */
export interface DistrictPlan {
  fact: DistrictFact;
  grids: number;
  streets: number;
  communities: number;
  /** Residents per household, used to derive households from population. */
  householdSize: number;
  /** Population centres that seed points and people cluster around. */
  centres: PopulationCentre[];
}

export interface PopulationCentre {
  lon: number;
  lat: number;
  /** Spread in degrees (one standard deviation). */
  sigma: number;
  weight: number;
}

const isUrban = (f: DistrictFact) => f.kind === 'urban district';

/**
 * Splits the city's grids between districts. You County keeps its reported
 * share (520 of 3,261); the others split the rest by population over the
 * residents a grid of their kind serves. Streets and communities follow the
 * ratios reported for You County (17 streets, 297 villages and communities
 * for 520 grids) for rural units, and denser communities in town.
 */
export function planDistricts(districts: readonly DistrictFact[], totalGrids: number, random: Random): DistrictPlan[] {
  const you = districts.find((d) => d.code === YOU_COUNTY_CODE);
  const youShare = ZHUZHOU.reported.youxian.grids / ZHUZHOU.reported.grids;
  const youGrids = you ? Math.max(1, Math.round(totalGrids * youShare)) : 0;
  const others = districts.filter((d) => d !== you);
  const otherGrids = apportion(
    totalGrids - youGrids,
    others.map((d) => d.population / RESIDENTS_PER_GRID[d.kind]),
    1,
  );
  const gridsByCode = new Map(others.map((d, i) => [d.code, otherGrids[i]!]));
  if (you) gridsByCode.set(you.code, youGrids);

  return districts.map((fact) => {
    const grids = gridsByCode.get(fact.code)!;
    const ratios =
      fact.code === YOU_COUNTY_CODE
        ? { gridsPerCommunity: 520 / 297, communitiesPerStreet: 297 / 17 }
        : isUrban(fact)
          ? { gridsPerCommunity: 6, communitiesPerStreet: 10 }
          : { gridsPerCommunity: 1.9, communitiesPerStreet: 17 };
    const communities = clamp(Math.round(grids / ratios.gridsPerCommunity), 1, grids);
    const streets = clamp(Math.round(communities / ratios.communitiesPerStreet), 1, communities);
    return {
      fact,
      grids,
      streets,
      communities,
      householdSize: isUrban(fact) ? 2.7 : 3.1,
      centres: populationCentres(fact, random.fork(Number(fact.code))),
    };
  });
}

/**
 * The seat is the main centre; rural units also get market towns scattered
 * around their centroid, and every unit a thin background of villages.
 */
function populationCentres(fact: DistrictFact, random: Random): PopulationCentre[] {
  const radius = Math.sqrt(fact.areaKm2) / 111; // ~ the unit's width in degrees
  const centres: PopulationCentre[] = [
    { lon: fact.seat[0], lat: fact.seat[1], sigma: radius * (isUrban(fact) ? 0.25 : 0.08), weight: isUrban(fact) ? 0.7 : 0.35 },
  ];
  const towns = isUrban(fact) ? 2 : 6;
  for (let i = 0; i < towns; i++) {
    centres.push({
      lon: fact.centroid[0] + random.normal() * radius * 0.3,
      lat: fact.centroid[1] + random.normal() * radius * 0.3,
      sigma: radius * 0.05,
      weight: (isUrban(fact) ? 0.15 : 0.4) / towns,
    });
  }
  return centres;
}

/** Relative population density at a point (unnormalised; background > 0). */
export function densityAt(centres: readonly PopulationCentre[], lon: number, lat: number, background = 0.02): number {
  let d = background;
  for (const c of centres) {
    const dx = (lon - c.lon) / c.sigma;
    const dy = (lat - c.lat) / c.sigma;
    d += (c.weight / (c.sigma * c.sigma)) * Math.exp(-0.5 * (dx * dx + dy * dy)) * 1e-4;
  }
  return d;
}

/** A candidate point drawn from the centres, or uniformly in the bbox (background). */
export function samplePoint(
  centres: readonly PopulationCentre[],
  bbox: readonly [number, number, number, number],
  random: Random,
  uniformShare = 0.35,
): [number, number] {
  if (random.next() < uniformShare) return [random.range(bbox[0], bbox[2]), random.range(bbox[1], bbox[3])];
  const total = centres.reduce((a, c) => a + c.weight, 0);
  let x = random.next() * total;
  let centre = centres[0]!;
  for (const c of centres) {
    x -= c.weight;
    if (x <= 0) {
      centre = c;
      break;
    }
  }
  return [centre.lon + random.normal() * centre.sigma, centre.lat + random.normal() * centre.sigma];
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
