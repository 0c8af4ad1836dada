import { z } from 'zod';

const probability = z.number().min(0).max(1);

/** Faults switched on through `PUT /admin/faults` (or NOTIFY_SIM_FAULTS); each PUT replaces the whole set. */
export const faultsSchema = z.strictObject({
  /** Refuses a send with this status; 400/403 are permanent for a caller, 429/500/503 transient. */
  refuse: z
    .strictObject({
      status: z.union([z.literal(400), z.literal(403), z.literal(429), z.literal(500), z.literal(503)]),
      probability,
      retryAfterSeconds: z.number().int().min(0).optional(),
    })
    .optional(),
  latencyMs: z.number().int().min(0).optional(),
  /** Accepts the message, then reports it failed in the delivery callback. */
  failDelivery: z.strictObject({ probability, reason: z.string().min(1) }).optional(),
  /** Always answered 400 'invalid recipient', like a provider that knows the number is not valid. */
  invalidRecipients: z.array(z.string()).optional(),
});

export type Faults = z.infer<typeof faultsSchema>;
