import type { z } from 'zod';
import { mailInputSchema } from '../../src/mail/config.js';

export { mailInputSchema };
export type MailSettingsInput = Partial<z.input<typeof mailInputSchema>>;
