/** The cluster name the local standalone broker runs as (tenants list it as an allowed cluster). */
export const PULSAR_CLUSTER = 'fleet-local';
