import { Aws, Stack, Validations } from 'aws-cdk-lib';
import { type Role as IamRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule, CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TEMPLATE_SYNC } from '../../functions/resources';

/**
 * EventBridge Scheduler for campaigns: one schedule group, and a role that may only deliver to the
 * launch queue. Schedules themselves are created at run time by the api function (one per campaign).
 */
export class CampaignScheduling extends Construct {
  readonly group: CfnScheduleGroup;
  readonly role: Role;
  readonly groupName: string;

  private readonly launchQueue: Queue;

  constructor(scope: Construct, id: string, props: { launchQueue: Queue }) {
    super(scope, id);
    this.launchQueue = props.launchQueue;
    this.groupName = `${Stack.of(this).stackName}-campaigns`;
    this.group = new CfnScheduleGroup(this, 'Group', { name: this.groupName });
    this.role = new Role(this, 'TargetRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description:
        'Lets EventBridge Scheduler deliver campaign starts, series firings and releases to the launch queue, and nothing else',
    });
    props.launchQueue.grantSendMessages(this.role);
  }

  /**
   * The account's templates are read from Meta every 15 minutes: a schedule of the stack's own (not made
   * at run time) delivering the template-sync command to the launch queue, whose launcher runs the sync.
   */
  addTemplateSync(): CfnSchedule {
    const schedule = new CfnSchedule(this, 'TemplateSync', {
      name: TEMPLATE_SYNC.scheduleName,
      groupName: this.groupName,
      description: "Reads the WhatsApp Business Account's templates from Meta (status, category, quality)",
      scheduleExpression: TEMPLATE_SYNC.expression,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.launchQueue.queueArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify(TEMPLATE_SYNC.command),
        // A missed sync is harmless (the next comes in 15 minutes): no retries piling up behind it.
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 600 },
      },
    });
    schedule.node.addDependency(this.group);
    return schedule;
  }

  /**
   * Lets `role` create, move and delete schedules in this group (or only create, for the launcher's
   * quiet-hours releases), passing only the target role.
   */
  allowManage(role: IamRole, access: 'manage' | 'create' = 'manage'): void {
    const schedules = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${this.groupName}/*`;
    role.addToPolicy(
      new PolicyStatement({
        actions:
          access === 'create'
            ? ['scheduler:CreateSchedule']
            : [
                'scheduler:CreateSchedule',
                'scheduler:UpdateSchedule',
                'scheduler:DeleteSchedule',
                'scheduler:GetSchedule',
              ],
        resources: [schedules],
      }),
    );
    role.addToPolicy(new PolicyStatement({ actions: ['iam:PassRole'], resources: [this.role.roleArn] }));
    const finding = schedules
      .replace(Aws.PARTITION, '<AWS::Partition>')
      .replace(Aws.REGION, '<AWS::Region>')
      .replace(Aws.ACCOUNT_ID, '<AWS::AccountId>');
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${finding}]`,

      reason:
        "Schedules are named per campaign at run time (campaign-<id>, release-<id>-<time>); the wildcard is limited to the platform's own schedule group.",
    });
  }
}
