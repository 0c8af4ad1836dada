import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { campaignsDomain, type AnalyticsInput, type AnalyticsPeriod, type AnalyticsPeriodKind, type AnalyticsSummary, type CampaignsActivities } from '@fleet/campaigns-contracts';
import { addDays, dayInTimeZone, INVALID_INPUT, parseInput, type IsoDate } from '@fleet/shared-domain';

// One SQL statement: a database outage is retried (1 s apart, backing off to 30 s) for up to an hour; the next run recomputes anyway.
const { aggregateCampaignAnalytics } = proxyActivities<CampaignsActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Set by Temporal on every run a schedule starts (backfills included): the action time the run is for. */
const SCHEDULED_START_TIME = { name: 'TemporalScheduledStartTime', type: 'DATETIME' } as const;

/** The Monday of the ISO week holding the day. */
function mondayOf(day: IsoDate): IsoDate {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
}

/** The period holding the day: the day itself, or its ISO week. */
function periodHolding(kind: AnalyticsPeriodKind, day: IsoDate, timeZone: string): AnalyticsPeriod {
  const start = kind === 'day' ? day : mondayOf(day);
  return { kind, timeZone, start, end: addDays(start, kind === 'day' ? 1 : 7) };
}

/**
 * Per-campaign figures of one day or ISO week. Scheduled, the period is the day (or ISO week)
 * before the schedule's action time in the input's time zone: never the workflow's clock, so a
 * late run or a backfill computes the period it was scheduled for. Run by hand, `period` names it.
 */
export async function campaignAnalyticsWorkflow(raw: AnalyticsInput): Promise<AnalyticsSummary> {
  const { analytics } = campaignsDomain.workflows;
  const input = parseInput(analytics.type, analytics.input, raw);
  const scheduledAt = workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME);
  let period: AnalyticsPeriod;
  if (scheduledAt) {
    const actionDay = dayInTimeZone(scheduledAt, input.timeZone);
    period = periodHolding(input.kind, addDays(input.kind === 'day' ? actionDay : mondayOf(actionDay), -1), input.timeZone);
  } else if (input.period) {
    period = periodHolding(input.kind, input.period, input.timeZone);
  } else {
    throw ApplicationFailure.create({ message: `${analytics.type} run without a schedule needs a period`, type: INVALID_INPUT, nonRetryable: true });
  }
  const result = await aggregateCampaignAnalytics(period);
  return { ...period, ...result, source: scheduledAt ? 'schedule' : 'input', ...(scheduledAt ? { scheduledAt: scheduledAt.toISOString() } : {}) };
}
