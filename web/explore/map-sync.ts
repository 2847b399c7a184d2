import type { Map as MapLibreMap } from 'maplibre-gl';

/**
 * Moves each map with the other (centre and zoom): panning or zooming one
 * jumps the other to the same camera. A jump fires the other map's `move`
 * synchronously; the `following` flag swallows that echo, so there is no loop.
 * Returns a function that unlinks them.
 */
export function linkMaps(a: MapLibreMap, b: MapLibreMap): () => void {
  let following = false;
  const follow = (from: MapLibreMap, to: MapLibreMap) => () => {
    if (following) return;
    following = true;
    try {
      to.jumpTo({ center: from.getCenter(), zoom: from.getZoom(), bearing: from.getBearing(), pitch: from.getPitch() });
    } finally {
      following = false;
    }
  };
  const aMoved = follow(a, b);
  const bMoved = follow(b, a);
  a.on('move', aMoved);
  b.on('move', bMoved);
  // B takes A's camera at once (A was fitted first).
  aMoved();
  return () => {
    a.off('move', aMoved);
    b.off('move', bMoved);
  };
}
