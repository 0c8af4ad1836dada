import { Counter, Histogram, type Registry } from 'prom-client';

export interface VsyncMetrics {
  verifications: Counter<'key_type' | 'result'>;
  corrections: Counter<'key_type' | 'action'>;
  reconciliations: Counter<'key_type' | 'outcome'>;
  cidFileStaging: Histogram;
}

export function createVsyncMetrics(registry: Registry): VsyncMetrics {
  return {
    verifications: new Counter({
      name: 'vsync_verifications_total',
      help: 'VSync verifications answered by DICT, by key type and result',
      labelNames: ['key_type', 'result'],
      registers: [registry],
    }),
    corrections: new Counter({
      name: 'vsync_corrections_total',
      help: 'Corrections applied to the local base, by key type and action (added, updated, removed, vanished)',
      labelNames: ['key_type', 'action'],
      registers: [registry],
    }),
    reconciliations: new Counter({
      name: 'vsync_reconciliations_total',
      help: 'Reconciliations ended, by key type and outcome',
      labelNames: ['key_type', 'outcome'],
      registers: [registry],
    }),
    cidFileStaging: new Histogram({
      name: 'vsync_cid_file_staging_seconds',
      help: 'Download, check and COPY of a CID file',
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
      registers: [registry],
    }),
  };
}
