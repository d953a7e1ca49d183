import { z } from 'zod';

/**
 * The [logging] settings (ta_ser_mail_settings.conf / YAML `logging:`). Browser-safe (zod only);
 * the level words equal LOG_LEVELS of logger.ts (a test checks it), which pulls in pino.
 */
export const LOGGING_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;

export const loggingSchema = z.object({
  level: z
    .preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(LOGGING_LEVELS))
    .default('info')
    .describe('lowest level written to stderr (splunkd.log, component ExecProcessor): debug, info, warn, error or fatal'),
});
export type LoggingConfig = z.infer<typeof loggingSchema>;
