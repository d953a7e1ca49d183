import { APP, segment, splunkd } from './rest.js';

/**
 * The app's "configured" flag (app.conf `[install] is_configured`): while it is false Splunk Web
 * opens the `setup_view` (this page) instead of the app. Read and set through `apps/local`.
 */
export async function isConfigured(): Promise<boolean> {
  const [e] = await splunkd('GET', `services/apps/local/${segment(APP)}`);
  const v = e?.content.configured;
  return v === true || v === 1 || v === '1' || v === 'true';
}

export async function markConfigured(): Promise<void> {
  await splunkd('POST', `services/apps/local/${segment(APP)}`, { form: { configured: '1' } });
}
