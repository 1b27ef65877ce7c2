/** CDK app: `npx cdk synth` / `npx cdk deploy -c stage=dev|prod`. Synthesises offline, no credentials. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PlatformStack } from '../lib/platform-stack';

const app = new App();
const stageName = String(app.node.tryGetContext('stage') ?? 'dev');
const sendRate = app.node.tryGetContext('sendRatePerSecond');
new PlatformStack(app, `WhatsAppPlatform-${stageName}`, {
  stageName,
  ...(sendRate !== undefined ? { sendRatePerSecond: Number(sendRate) } : {}),
  ...(app.node.tryGetContext('whatsappPhoneNumberId')
    ? { whatsappPhoneNumberId: String(app.node.tryGetContext('whatsappPhoneNumberId')) }
    : {}),
  ...(app.node.tryGetContext('whatsappBusinessAccountId')
    ? { whatsappBusinessAccountId: String(app.node.tryGetContext('whatsappBusinessAccountId')) }
    : {}),
  ...(app.node.tryGetContext('alarmEmail')
    ? { alarmEmail: String(app.node.tryGetContext('alarmEmail')) }
    : {}),
  ...(app.node.tryGetContext('handoffEmail')
    ? { handoffEmail: String(app.node.tryGetContext('handoffEmail')) }
    : {}),
  ...(app.node.tryGetContext('adminEmail')
    ? { adminEmail: String(app.node.tryGetContext('adminEmail')) }
    : {}),
  ...(app.node.tryGetContext('secretsVersion')
    ? { secretsVersion: String(app.node.tryGetContext('secretsVersion')) }
    : {}),

  description: `WhatsApp Business messaging platform (${stageName})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
