import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  EventBridgeCampaignScheduler,
  releaseScheduleName,
} from '../../functions/adapters/scheduler/eventbridge-scheduler';

describe('EventBridgeCampaignScheduler (aws-sdk-client-mock)', () => {
  const mock = mockClient(SchedulerClient);
  const scheduler = new EventBridgeCampaignScheduler(new SchedulerClient({ region: 'eu-west-1' }), {
    groupName: 'Platform-campaigns',
    roleArn: 'arn:aws:iam::123456789012:role/scheduler',
    targetArn: 'arn:aws:sqs:eu-west-1:123456789012:launch',
  });
  beforeEach(() => mock.reset());

  const expected = {
    Name: 'campaign-01ABC',
    GroupName: 'Platform-campaigns',
    ScheduleExpression: 'at(2026-12-01T08:00:00)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: 'arn:aws:sqs:eu-west-1:123456789012:launch',
      RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      Input: '{"campaignId":"01ABC","gen":0,"action":"start"}',
    },
  };

  it('creates a one-time schedule that deletes itself, with a client token for retries', async () => {
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.scheduleStart('01ABC', new Date('2026-12-01T09:00:00+01:00'));
    expect(mock).toHaveReceivedCommandWith(CreateScheduleCommand, {
      ...expected,
      ClientToken: `01ABC-${Date.parse('2026-12-01T08:00:00Z')}`,
    });
  });

  it('moves an existing schedule with UpdateSchedule', async () => {
    mock
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ Message: 'exists', message: 'exists', $metadata: {} }));
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.scheduleStart('01ABC', new Date('2026-12-01T08:00:00Z'));
    expect(mock).toHaveReceivedCommandWith(UpdateScheduleCommand, expected);
  });

  it('deletes the schedule, ignoring one that already fired', async () => {
    mock
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ Message: 'gone', message: 'gone', $metadata: {} }));
    await expect(scheduler.cancelStart('01ABC')).resolves.toBeUndefined();
    expect(mock).toHaveReceivedCommandWith(DeleteScheduleCommand, {
      Name: 'campaign-01ABC',
      GroupName: 'Platform-campaigns',
    });
  });

  const series = {
    Name: 'campaign-01SERIES',
    GroupName: 'Platform-campaigns',
    ScheduleExpression: 'cron(0 9 ? * MON *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    StartDate: new Date('2026-12-01T00:00:00Z'),
    EndDate: new Date('2027-06-30T00:00:00Z'),
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'NONE',
    Target: {
      Arn: 'arn:aws:sqs:eu-west-1:123456789012:launch',
      RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
      // Scheduler replaces the placeholder with the firing's time: the run's id is made from it.
      Input: '{"campaignId":"01SERIES","gen":0,"action":"fire","at":"<aws.scheduler.scheduled-time>"}',
    },
  };
  const recurrence = {
    expression: 'cron(0 9 ? * MON *)',
    timezone: 'Europe/Berlin',
    startAt: '2026-12-01T00:00:00.000Z',
    endAt: '2027-06-30T00:00:00.000Z',
  };

  it('creates a recurring schedule in the zone, enabled, with the scheduled time in its input', async () => {
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.scheduleSeries('01SERIES', recurrence, true);
    expect(mock).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
    expect(mock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      ...series,
      State: 'ENABLED',
      ClientToken: '01SERIES-series',
    });
  });

  it('pauses a series by replacing its schedule with State DISABLED', async () => {
    mock
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ Message: 'exists', message: 'exists', $metadata: {} }));
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.scheduleSeries('01SERIES', recurrence, false);
    expect(mock.commandCalls(UpdateScheduleCommand)[0]!.args[0].input).toEqual({
      ...series,
      State: 'DISABLED',
    });
  });

  it('plans a quiet-hours release once per campaign and opening', async () => {
    mock
      .on(CreateScheduleCommand)
      .resolvesOnce({ ScheduleArn: 'arn' })
      .rejects(new ConflictException({ Message: 'exists', message: 'exists', $metadata: {} }));
    const at = new Date('2026-11-25T08:00:00Z');
    await scheduler.scheduleRelease('01ABC', at);
    await expect(scheduler.scheduleRelease('01ABC', at)).resolves.toBeUndefined();
    expect(mock).not.toHaveReceivedCommand(UpdateScheduleCommand);
    expect(mock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'release-01ABC-20261125T0800',
      GroupName: 'Platform-campaigns',
      ScheduleExpression: 'at(2026-11-25T08:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:sqs:eu-west-1:123456789012:launch',
        RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        Input: '{"campaignId":"01ABC","gen":0,"action":"release"}',
      },
      ClientToken: 'release-01ABC-20261125T0800',
    });
  });

  it("keeps schedule names within Scheduler's 64 characters for a run's releases", () => {
    const run = '01KAZ7Q2M3N4P5R6S7T8V9W0XY-20261124T0900';
    expect(releaseScheduleName(run, new Date('2026-11-25T08:00:00Z')).length).toBeLessThanOrEqual(64);
  });
});
