/** Large exports: the jobs, and the files they write. */
import type { ExportJob } from '../domain/export-job';

export interface ExportJobStore {
  create(job: ExportJob): Promise<void>;
  get(id: string): Promise<ExportJob | undefined>;
  /** Ends a running job as ready or failed; false when it had already ended (a redelivered command). */
  finish(
    id: string,
    outcome: { state: 'ready'; rows: number; bytes: number } | { state: 'failed'; error: string },
    at: string,
  ): Promise<boolean>;
}

export interface ExportFiles {
  /** Stores the file at `path` (a local temporary file) under `key`, to be saved as `filename`. */
  put(key: string, path: string, bytes: number, filename: string): Promise<void>;
  /** A link that downloads the file as `filename` for `seconds`. */
  link(key: string, filename: string, seconds: number): Promise<string>;
}

/** Asks for a job to be run (the launcher runs it: it may take minutes). */
export interface ExportQueue {
  run(exportId: string): Promise<void>;
}
