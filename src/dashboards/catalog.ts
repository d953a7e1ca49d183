import { addonHealthDashboard } from './definitions/addon-health.js';
import { coverageDashboard } from './definitions/coverage.js';
import { licenceDashboard } from './definitions/licence.js';
import { mailMetadataDashboard } from './definitions/mail-metadata.js';
import { sendAuditDashboard } from './definitions/send-audit.js';
import { serHealthDashboard } from './definitions/ser-health.js';
import type { ShippedDashboard } from './definition.js';

/** Every dashboard the app ships, in navigation order. */
export const DASHBOARDS: readonly ShippedDashboard[] = [
  serHealthDashboard,
  licenceDashboard,
  coverageDashboard,
  mailMetadataDashboard,
  sendAuditDashboard,
  addonHealthDashboard,
];

/** Dashboard Studio theme of every shipped view (one look everywhere). */
export const THEME = 'dark' as const;
