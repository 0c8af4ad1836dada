export { startChannelsSim, type ChannelsSim, type ChannelsSimOptions } from './sim';
export { CHANNELS, type Channel } from './channels';
export { faultSchema, type Fault, type FaultInput } from './faults';
export { deliverySettingSchema, type DeliverySetting, type DeliverySettingInput } from './delivery';
export { quotaSchema, type Quota, type ChannelQuotas } from './quotas';
export type { SimObject, AccountStats } from './store';
export { DEFAULT_SITES, type SiteQuality } from './sites';
