import { z } from 'zod';
import { SOURCETYPES } from '../core/sourcetypes.js';

/** One input's figures in a telemetry event. */
export const telemetryInputSchema = z.object({
  name: z.string().describe('the input, as <kind>://<name> (ser_report://production, mail_metadata://exchange)'),
  kind: z.enum(['ser_report', 'mail_metadata']).describe('input kind'),
  events_delivered: z.number().int().nonnegative().describe('events of this input delivered (HEC code 0 / acked) since the process started'),
  events_failed: z.number().int().nonnegative().describe('events of this input whose delivery was abandoned since start'),
  cycles: z.number().int().nonnegative().optional().describe('SER: poll cycles run since start'),
  cycle_failures: z.number().int().nonnegative().optional().describe('SER: poll cycles that failed (retried from the checkpoint next cycle)'),
  last_window_start: z.string().optional().describe('SER: start of the newest window delivered (ISO-8601 UTC)'),
  last_window_end: z.string().optional().describe('SER: end of the newest window delivered, i.e. the checkpoint (ISO-8601 UTC)'),
  lag_seconds: z.number().nonnegative().optional().describe('SER: now minus the checkpoint (includes the settle delay); mail: seconds since the last delivered event'),
  requests: z.number().int().nonnegative().optional().describe('SER: report requests since start; mail: HTTP requests received since start'),
  last_error: z.string().optional().describe('the last cycle error, one line, if the latest cycle failed'),
});

/** One HEC destination's figures in a telemetry event. */
export const telemetryDestinationSchema = z.object({
  name: z.string().describe('HEC destination name (hec: key in the YAML)'),
  delivered: z.number().int().nonnegative().describe('events delivered since start'),
  failed: z.number().int().nonnegative().describe('events abandoned since start'),
  retries: z.number().int().nonnegative().describe('batch retries since start (network errors, timeouts, 429/503, busy codes)'),
  queued_bytes: z.number().int().nonnegative().describe('bytes waiting to be sent'),
  in_flight_bytes: z.number().int().nonnegative().describe('bytes sent and not yet confirmed'),
});

export const telemetryEventSchema = z.object({
  kind: z.enum(['interval', 'final']).describe('interval: the periodic event; final: the last one, written during shutdown'),
  started_at: z.string().describe('when this process started (ISO-8601 UTC)'),
  uptime_seconds: z.number().nonnegative().describe('seconds since the process started'),
  interval_seconds: z.number().nonnegative().describe('configured seconds between telemetry events'),
  events_delivered: z.number().int().nonnegative().describe('events delivered by all inputs since start (telemetry not included)'),
  retries: z.number().int().nonnegative().describe('batch retries of all HEC destinations since start'),
  inputs: z.array(telemetryInputSchema).describe('per input'),
  destinations: z.array(telemetryDestinationSchema).describe('per HEC destination'),
  version: z.string().describe('program version'),
  pid: z.number().int().describe('process id'),
});

export type TelemetryEvent = z.infer<typeof telemetryEventSchema>;
export type TelemetryInput = z.infer<typeof telemetryInputSchema>;

export const eventSchemas = {
  [SOURCETYPES.telemetry]: telemetryEventSchema,
};
