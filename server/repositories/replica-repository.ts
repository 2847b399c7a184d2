import type { Queryable } from '../db/database.js';
import { sqlFile } from './sql-file.js';

const REPLICA_STATE = sqlFile('replica-state.sql');

/** A streaming replica's recovery and replay state, as it sees them (sql/replica-state.sql). */
export interface ReplicaState {
  in_recovery: boolean;
  seconds_since_last_replay: number | null;
  replay_pending_bytes: number | null;
}

export interface ReplicaRepository {
  /** Asked of the replica itself, through the read pool. */
  state(): Promise<ReplicaState>;
}

export function createReplicaRepository(db: Queryable): ReplicaRepository {
  return {
    async state() {
      const [row] = await db.query<ReplicaState>(REPLICA_STATE);
      return row!;
    },
  };
}
