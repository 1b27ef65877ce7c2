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
import { EventBridgeCampaignScheduler } from '../../functions/adapters/scheduler/eventbridge-scheduler';

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
});
