// vt-pbf 3.1 ships no types; only the function tile encoding uses is declared.
declare module 'vt-pbf' {
  interface GeojsonVtFeature {
    id?: number;
    /** 1 point, 2 line, 3 polygon */
    type: 1 | 2 | 3;
    tags: Record<string, string | number | boolean | null>;
    geometry: number[][][] | number[][];
  }
  const vtpbf: {
    fromGeojsonVt(layers: Record<string, { features: GeojsonVtFeature[] }>, options?: { version?: number; extent?: number }): Uint8Array;
  };
  export default vtpbf;
}
