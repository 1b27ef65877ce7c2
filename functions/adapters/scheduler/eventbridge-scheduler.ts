import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { LaunchCommand } from '../../domain/campaign';
import type { Recurrence } from '../../domain/recurrence';
import type { CampaignScheduler } from '../../ports';

export interface EventBridgeSchedulerOptions {
  readonly groupName: string;
  /** Role that EventBridge Scheduler assumes to deliver to the target (it may only send to the launch queue). */
  readonly roleArn: string;
  /** The launch queue's ARN: a schedule delivers a launcher command there. */
  readonly targetArn: string;
}

/** Scheduler puts the firing's scheduled time here; a run's id is made from it. */
export const SCHEDULED_TIME = '<aws.scheduler.scheduled-time>';

/** A campaign's start or series schedule (one per campaign, so a series cannot also have a start). */
export function scheduleName(campaignId: string): string {
  return `campaign-${campaignId}`;
}

/** Quiet-hours releases: one per campaign and opening time, so asking twice for the same one is harmless. */
export function releaseScheduleName(campaignId: string, at: Date): string {
  return `release-${campaignId}-${compactTime(at)}`;
}

function compactTime(at: Date): string {
  return at.toISOString().slice(0, 16).replace(/[-:]/g, '');
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, the one-time expression EventBridge Scheduler expects. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/** The launcher command a schedule delivers, as the JSON body of the launch-queue message. */
export function commandInput(command: LaunchCommand): string {
  return JSON.stringify(command);
}

/**
 * Campaign schedules in the platform's schedule group. One-time ones (starts, releases) are deleted by
 * Scheduler after they fire; series are recurring and stay until the campaign is cancelled.
 */
export class EventBridgeCampaignScheduler implements CampaignScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeSchedulerOptions,
  ) {}

  async scheduleStart(campaignId: string, at: Date): Promise<void> {
    // The client token makes a retried create (same campaign, same time) produce one schedule.
    await this.createOrUpdate(
      {
        Name: scheduleName(campaignId),
        ScheduleExpression: atExpression(at),
        ScheduleExpressionTimezone: 'UTC',
        ActionAfterCompletion: 'DELETE',
        Target: this.target({ campaignId, gen: 0, action: 'start' }),
      },
      `${campaignId}-${at.getTime()}`,
    );
  }

  async scheduleSeries(campaignId: string, r: Recurrence, enabled: boolean): Promise<void> {
    await this.createOrUpdate(
      {
        Name: scheduleName(campaignId),
        ScheduleExpression: r.expression,
        ScheduleExpressionTimezone: r.timezone,
        ...(r.startAt ? { StartDate: new Date(r.startAt) } : {}),
        ...(r.endAt ? { EndDate: new Date(r.endAt) } : {}),
        State: enabled ? 'ENABLED' : 'DISABLED',
        ActionAfterCompletion: 'NONE',
        Target: this.target({ campaignId, gen: 0, action: 'fire', at: SCHEDULED_TIME }),
      },
      `${campaignId}-series`,
    );
  }

  async scheduleRelease(campaignId: string, at: Date): Promise<void> {
    const name = releaseScheduleName(campaignId, at);
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.options.groupName,
          ScheduleExpression: atExpression(at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: this.target({ campaignId, gen: 0, action: 'release' }),
          ClientToken: name,
        }),
      );
    } catch (error) {
      // The same name means the same campaign and time: that release is already planned.
      if (!(error instanceof ConflictException)) throw error;
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

  private target(command: LaunchCommand) {
    return { Arn: this.options.targetArn, RoleArn: this.options.roleArn, Input: commandInput(command) };
  }

  /** Creates the schedule; one that exists already (a move, a pause) is replaced whole, as UpdateSchedule wants. */
  private async createOrUpdate(
    input: Omit<CreateScheduleCommandInput, 'GroupName' | 'FlexibleTimeWindow' | 'ClientToken'>,
    clientToken: string,
  ): Promise<void> {
    const full = {
      ...input,
      GroupName: this.options.groupName,
      FlexibleTimeWindow: { Mode: 'OFF' as const },
    };
    try {
      await this.client.send(new CreateScheduleCommand({ ...full, ClientToken: clientToken }));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      await this.client.send(new UpdateScheduleCommand(full));
    }
  }
}
