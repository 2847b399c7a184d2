import type { ApiClient } from './api-client.js';
import type { OutlineCollection, ServerOutlines } from './api-types.js';

const LEVEL_DEPTH = { district: 0, street: 1, community: 2, grid: 3 } as const;

/**
 * The outlines in the wall's two tiers: the shallowest level in the answer is the top ('district'), the next its parts
 * ('street'). A city's or a district's answer is as it comes; a street's wall draws and names the street and its
 * communities, a community's the community and its grids, as a district's wall draws its district and streets.
 */
export function wallTiers(outlines: ServerOutlines): OutlineCollection {
  const top = Math.min(...outlines.features.map((f) => LEVEL_DEPTH[f.properties.level]));
  return {
    ...outlines,
    features: outlines.features.map((f) => ({
      ...f,
      properties: { ...f.properties, level: LEVEL_DEPTH[f.properties.level] === top ? 'district' : 'street' },
    })),
  };
}

/** The outlines of the wall's place (its region, or the caller's scope) and of its parts, in the wall's two tiers. */
export async function fetchWallOutlines(api: ApiClient, region: string | undefined, signal: AbortSignal): Promise<OutlineCollection> {
  return wallTiers(await api.get<ServerOutlines>('/api/map/outlines', { region }, signal));
}
