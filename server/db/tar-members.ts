/**
 * Filtering a tar archive's members without unpacking it: the PostGIS bundle
 * the embedded database loads (pglite-postgis-bundle.ts) and the test
 * database templates (tests/helpers/test-database.ts).
 */
const BLOCK = 512;

/**
 * The tar archive `tar` with only the members whose path `keep` accepts. A
 * member is its header block and data blocks, preceded by any pax or GNU
 * long-name headers, which go with it.
 */
export function keepTarMembers(tar: Buffer, keep: (path: string) => boolean): Buffer {
  const kept: Buffer[] = [];
  let member: Buffer[] = [];
  let longName: string | undefined;
  for (let at = 0; at + BLOCK <= tar.length; ) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = Number.parseInt(field(header, 124, 12) || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const end = at + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    member.push(tar.subarray(at, end));
    if (type === 'L') longName = field(tar, at + BLOCK, size);
    else if (type === 'x') longName = paxPath(tar.subarray(at + BLOCK, at + BLOCK + size).toString('utf8')) ?? longName;
    else if (type !== 'g') {
      const prefix = field(header, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
      if (keep(name)) kept.push(...member);
      member = [];
      longName = undefined;
    }
    at = end;
  }
  kept.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(kept);
}

function field(buf: Buffer, start: number, length: number): string {
  const bytes = buf.subarray(start, start + length);
  const nul = bytes.indexOf(0);
  return bytes
    .subarray(0, nul === -1 ? bytes.length : nul)
    .toString('utf8')
    .trim();
}

function paxPath(records: string): string | undefined {
  return /(?:^|\n)\d+ path=([^\n]*)\n/.exec(records)?.[1];
}
