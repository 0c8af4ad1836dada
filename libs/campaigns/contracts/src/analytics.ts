import { isoDateSchema, type IsoDate } from '@fleet/shared-domain';
import { z } from 'zod';
import { isTimeZone } from './time';

/** The periods campaign analytics are kept for: a calendar day, or an ISO week (Monday to Sunday). */
export const ANALYTICS_PERIOD_KINDS = ['day', 'week'] as const;
export type AnalyticsPeriodKind = (typeof ANALYTICS_PERIOD_KINDS)[number];

/**
 * The analytics workflow's input. A scheduled run takes its period from the schedule's action time
 * (the day, or ISO week, before it in `timeZone`); `period` is for a manual run (any day of the
 * period: a week is the ISO week holding that day) and is ignored when the run is scheduled.
 */
export const analyticsInputSchema = z.strictObject({
  kind: z.enum(ANALYTICS_PERIOD_KINDS),
  timeZone: z.string().refine(isTimeZone, 'not an IANA time zone'),
  period: isoDateSchema.optional(),
});
export type AnalyticsInput = z.infer<typeof analyticsInputSchema>;

/** A manual run's id (a scheduled run's is the schedule's workflow id and its action time). */
export const campaignAnalyticsWorkflowId = (i: { kind: AnalyticsPeriodKind; period?: IsoDate }) => `campaign-analytics-${i.kind}-${i.period ?? 'none'}`;

/** One period's aggregation: local days [start, end) in the time zone. */
export interface AnalyticsPeriod {
  kind: AnalyticsPeriodKind;
  timeZone: string;
  /** First day of the period (a Monday for a week). */
  start: IsoDate;
  /** The day after the period's last. */
  end: IsoDate;
}

export interface AnalyticsAggregateResult {
  /** Campaigns with a row for the period. */
  campaigns: number;
  /** Rows inserted or changed by this run (0 on a rerun over unchanged data). */
  written: number;
}

export interface AnalyticsSummary extends AnalyticsPeriod, AnalyticsAggregateResult {
  /** Where the period came from: the schedule's action time, or the input. */
  source: 'schedule' | 'input';
  scheduledAt?: string;
}
