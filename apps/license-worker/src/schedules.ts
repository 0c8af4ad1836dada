import {
  LICENSE_SCHEDULES,
  LICENSE_TASK_QUEUE,
  LICENSE_TIME_ZONE,
  LICENSE_WORKFLOW_TYPES,
  SCHEDULED_DEACTIVATION_WORKFLOW_ID,
  SCHEDULED_REMINDERS_WORKFLOW_ID,
} from '@fleet/license-contracts';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { DesiredSchedule } from '@fleet/shared-temporal';

/**
 * The license domain's schedules: the daily expiry check at 02:00 and the renewal reminders at
 * 09:00, both Asia/Kolkata. The workflows take today's date from the time they start, so the
 * schedule's input stays empty. A run missed while Temporal was down runs once on return.
 */
export function licenseSchedules(): DesiredSchedule[] {
  const daily = (hour: number, minute: number) => ({
    calendars: [{ hour, minute, comment: `daily at ${hour}:${String(minute).padStart(2, '0')} ${LICENSE_TIME_ZONE}` }],
    timezone: LICENSE_TIME_ZONE,
  });
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' };
  return [
    {
      scheduleId: LICENSE_SCHEDULES.deactivation.id,
      spec: daily(LICENSE_SCHEDULES.deactivation.hour, LICENSE_SCHEDULES.deactivation.minute),
      action: {
        type: 'startWorkflow',
        workflowType: LICENSE_WORKFLOW_TYPES.deactivation,
        workflowId: SCHEDULED_DEACTIVATION_WORKFLOW_ID,
        taskQueue: LICENSE_TASK_QUEUE,
        args: [{ dryRun: false }],
      },
      policies,
    },
    {
      scheduleId: LICENSE_SCHEDULES.reminders.id,
      spec: daily(LICENSE_SCHEDULES.reminders.hour, LICENSE_SCHEDULES.reminders.minute),
      action: {
        type: 'startWorkflow',
        workflowType: LICENSE_WORKFLOW_TYPES.reminders,
        workflowId: SCHEDULED_REMINDERS_WORKFLOW_ID,
        taskQueue: LICENSE_TASK_QUEUE,
        args: [{}],
      },
      policies,
    },
  ];
}
