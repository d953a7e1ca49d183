import { z } from 'zod';

/**
 * The service's reply, for both outcomes. `code` is documented as "boolean" but shown as -1/0:
 * accept numbers and numeric strings. Unknown fields are kept; missing optional ones are fine.
 */
export const sendReplySchema = z.looseObject({
  code: z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]).describe('0 = accepted, -1 = request error'),
  message: z.string().optional().describe('short description of the error'),
  timestamp: z.string().optional().describe('reply time, e.g. 2022-09-29T14:14:20.435'),
  data: z
    .looseObject({
      description: z.string().optional().describe('short description of the error'),
      explanation: z.string().optional().describe('detailed reason'),
      transactionId: z.string().optional().describe('the service transaction id'),
      messageId: z.string().optional().describe('the caller messageId, echoed'),
    })
    .nullish(),
});
export type SendReply = z.infer<typeof sendReplySchema>;

/** Parses a reply body; undefined when it is not the documented JSON (e.g. a proxy's HTML page). */
export function parseReply(text: string): SendReply | undefined {
  try {
    const r = sendReplySchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
