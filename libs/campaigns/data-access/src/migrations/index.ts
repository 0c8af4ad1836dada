import type { Migration } from 'kysely/migration';
import * as base from './20261202000000_campaigns_base';
import * as saga from './20261203000000_campaigns_saga';
import * as agents from './20261204000000_campaigns_agents';
import * as analytics from './20261205000000_campaigns_analytics';
import * as channelRate from './20261207000000_campaigns_channel_rate';
import * as optimization from './20261208000000_campaigns_optimization';

/** The campaigns domain's migrations, in the order they apply. */
export const campaignsMigrations = {
  domain: 'campaigns',
  migrations: {
    '20261202000000_campaigns_base': base,
    '20261203000000_campaigns_saga': saga,
    '20261204000000_campaigns_agents': agents,
    '20261205000000_campaigns_analytics': analytics,
    '20261207000000_campaigns_channel_rate': channelRate,
    '20261208000000_campaigns_optimization': optimization,
  } satisfies Record<string, Migration>,
};
