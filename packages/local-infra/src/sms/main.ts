// The platform's local SMS provider under `./idp start` (scripts/lib/processes.sh runs `yarn workspace
// @platform/local-infra sms`): the Twilio recorder on PORT with the account the notification service is given.
// Read what it was sent like from Twilio: GET /2010-04-01/Accounts/<sid>/Messages.json with basic auth.
import { startTwilioRecorder } from './twilioRecorder';

async function main() {
  const { PORT, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN } = process.env;
  if (!PORT || !TWILIO_ACCOUNT_SID || !TWILIO_AUTH_TOKEN) {
    throw new Error('PORT, TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required');
  }
  const recorder = await startTwilioRecorder({
    port: Number(PORT),
    accountSid: TWILIO_ACCOUNT_SID,
    authToken: TWILIO_AUTH_TOKEN,
  });
  process.stdout.write(`${JSON.stringify({ msg: 'local SMS provider (Twilio Messages API) ready', url: recorder.url })}\n`);
  const stop = () => void recorder.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch(error => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
