import { z } from 'zod';
import { CHANNELS } from './channels';

/**
 * Fixed delivery figures for the objects a filter matches, in place of the seeded ones that grow
 * with time: what a test sets (POST /admin/delivery) to make a channel perform well or badly. Only
 * objects that deliver (reviewed ACTIVE, not created PAUSED) report them; each matching object
 * reports these cumulative figures. The latest matching setting wins.
 */
export const deliverySettingSchema = z
  .strictObject({
    channel: z.enum(CHANNELS),
    account: z.string().min(1).optional(),
    /** Objects whose external reference starts with this (a campaign's id, `campaignId:channel:`...). */
    referencePrefix: z.string().min(1).optional(),
    impressions: z.number().int().min(0),
    clicks: z.number().int().min(0),
    /** In the account's currency. */
    spend: z.number().min(0).default(0),
  })
  .refine((d) => d.clicks <= d.impressions, { path: ['clicks'], message: 'clicks cannot exceed impressions' });
export type DeliverySetting = z.output<typeof deliverySettingSchema>;
export type DeliverySettingInput = z.input<typeof deliverySettingSchema>;
