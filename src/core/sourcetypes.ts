/**
 * The sourcetypes the product emits, fixed once: dashboards, props.conf and the consistency
 * test read this list. Changing a name here is a breaking change for every search.
 */
export const SOURCETYPES = {
  /** One event per SER application user per window (aggregate counts; not tagged email). */
  serSummary: 'proofpoint:ser:summary',
  /** The licence entitlement, once per poll cycle. */
  serEntitlement: 'proofpoint:ser:entitlement',
  /** One event per window delivered: proves coverage even for windows with no traffic. */
  serCoverage: 'proofpoint:ser:coverage',
  /** One mail message's metadata, CIM Email. */
  mailMessage: 'mail:message',
  /** One directory user (AD connector), identity. */
  mailUser: 'mail:user',
  /** One secure-send outcome, CIM Email delivery + modular action audit. */
  sendAudit: 'proofpoint:ser:send:audit',
  /** One run of the secure-send alert action starting (CIM Modular_Actions invocation). */
  sendInvocation: 'proofpoint:ser:send:invocation',
  /** The program's own telemetry (events delivered, retries, lag). */
  telemetry: 'ta_ser_mail:telemetry',
} as const;

export type Sourcetype = (typeof SOURCETYPES)[keyof typeof SOURCETYPES];
