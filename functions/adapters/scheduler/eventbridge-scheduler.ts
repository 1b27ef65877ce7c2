import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { CampaignScheduler } from '../../ports';

export interface EventBridgeSchedulerOptions {
  readonly groupName: string;
  /** Role that EventBridge Scheduler assumes to deliver to the target (it may only send to the launch queue). */
  readonly roleArn: string;
  /** The launch queue's ARN: a schedule delivers a `start` command there. */
  readonly targetArn: string;
}

export function scheduleName(campaignId: string): string {
  return `campaign-${campaignId}`;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, the one-time expression EventBridge Scheduler expects. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/** One-time schedules in the platform's schedule group, deleted by Scheduler after they fire. */
export class EventBridgeCampaignScheduler implements CampaignScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeSchedulerOptions,
  ) {}

  async scheduleStart(campaignId: string, at: Date): Promise<void> {
    const input = {
      Name: scheduleName(campaignId),
      GroupName: this.options.groupName,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ActionAfterCompletion: 'DELETE' as const,
      Target: {
        Arn: this.options.targetArn,
        RoleArn: this.options.roleArn,
        Input: JSON.stringify({ campaignId, gen: 0, action: 'start' }),
      },
    };
    try {
      // The client token makes a retried create (same campaign, same time) produce one schedule.
      await this.client.send(
        new CreateScheduleCommand({ ...input, ClientToken: `${campaignId}-${at.getTime()}` }),
      );
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await this.client.send(new UpdateScheduleCommand(input));
    }
  }

  async cancelStart(campaignId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteScheduleCommand({ Name: scheduleName(campaignId), GroupName: this.options.groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
