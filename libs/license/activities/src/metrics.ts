import { Counter, type Registry } from 'prom-client';

export interface LicenseMetrics {
  agentsDeactivated: Counter;
  pages: Counter<'outcome'>;
  remindersQueued: Counter;
  reinstatements: Counter;
}

export function createLicenseMetrics(registry: Registry): LicenseMetrics {
  return {
    agentsDeactivated: new Counter({
      name: 'license_agents_deactivated_total',
      help: 'Agents deactivated for an expired license',
      registers: [registry],
    }),
    pages: new Counter({
      name: 'license_deactivation_pages_total',
      help: 'Deactivation pages applied, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    remindersQueued: new Counter({
      name: 'license_renewal_reminders_queued_total',
      help: 'Renewal reminders queued',
      registers: [registry],
    }),
    reinstatements: new Counter({
      name: 'license_reinstatements_total',
      help: 'Agents reinstated after a license renewal',
      registers: [registry],
    }),
  };
}
