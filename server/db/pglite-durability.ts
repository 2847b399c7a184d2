import { closeSync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { PGlite, type Extension } from '@electric-sql/pglite';

/**
 * Makes a commit on the embedded database durable the way PostgreSQL means
 * it. PGlite 0.5.8 starts PostgreSQL with fsync off (`-F` in
 * PGlite.defaultStartParams), and the Node file system it runs on
 * (Emscripten's NODEFS) has no fsync to call anyway. Every page written
 * still reaches the operating system at once (one write() each), so a killed
 * process loses nothing it acknowledged (tests/reliability/embedded-crash);
 * a power cut or a kernel crash could, since nothing forces the WAL to disk.
 *
 * Here fsync is switched back on and NODEFS is given one, so PostgreSQL's
 * own rules apply: the WAL is flushed to disk before COMMIT returns, data
 * files at checkpoints, directories after files are created in them.
 * Only for a data directory: an in-memory database has nothing to flush.
 */
export const DURABLE_START_PARAMS: string[] = [
  ...PGlite.defaultStartParams.filter((param) => param !== '-F'),
  // Emscripten's fdatasync() is a no-op that never reaches the file system; fsync() does.
  '-c',
  'wal_sync_method=fsync',
];

let syncs = 0;

/** How many files and directories PostgreSQL has flushed to disk in this process (a figure for tests and benchmarks). */
export function flushedToDisk(): number {
  return syncs;
}

// The few members of Emscripten's FS and NODEFS used here (not typed by PGlite).
interface EmscriptenNode {
  mode: number;
}
interface EmscriptenStream {
  nfd?: number;
  node: EmscriptenNode;
}
interface EmscriptenFs {
  isDir(mode: number): boolean;
  filesystems: {
    NODEFS: {
      stream_ops: { fsync?: (stream: EmscriptenStream) => number };
      realPath(node: EmscriptenNode): string;
      /** Runs a host file operation, turning a Node error into the errno PostgreSQL expects. */
      tryFSOperation<T>(operation: () => T): T;
    };
  };
}

function installFsync(FS: EmscriptenFs): void {
  const nodefs = FS.filesystems.NODEFS;
  nodefs.stream_ops.fsync = (stream) =>
    nodefs.tryFSOperation(() => {
      syncs++;
      if (typeof stream.nfd === 'number') {
        // fdatasync, as PostgreSQL uses by default for the WAL on Linux: data and size, not times.
        fdatasyncSync(stream.nfd);
      } else if (FS.isDir(stream.node.mode)) {
        // NODEFS keeps no host descriptor for a directory; a new WAL segment's name must reach the disk too.
        const fd = openSync(nodefs.realPath(stream.node), 'r');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
      return 0;
    });
}

/** A PGlite "extension" that only installs the fsync above before PostgreSQL starts. */
export const durableNodeFs: Extension = {
  name: 'gridscope-durable-nodefs',
  setup: async (_pg, emscriptenOpts: { preRun?: ((module: { FS: EmscriptenFs }) => void)[] }) => ({
    emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), (module: { FS: EmscriptenFs }) => installFsync(module.FS)] },
  }),
};
