import type { ContentWriter } from '@fleet/campaigns-activities';
import { createChatClient } from '@fleet/shared-llm';
import type { z } from 'zod';
import type { CampaignsWorkerConfig } from './config';

/**
 * The content writer over `@fleet/shared-llm` (OpenAI-compatible chat completions): the answer is
 * validated against the zod schema, and a wrong one is sent back once for a repair.
 */
export function createContentWriter(config: CampaignsWorkerConfig): ContentWriter {
  const client = createChatClient({
    baseUrl: config.LLM_BASE_URL,
    model: config.LLM_MODEL,
    apiKey: config.LLM_API_KEY || undefined,
    timeoutMs: config.LLM_TIMEOUT_MS,
    agent: 'campaign-content',
  });
  return {
    async write<S extends z.ZodType>({ system, user, schema, schemaName, signal }: { system: string; user: string; schema: S; schemaName: string; signal?: AbortSignal }) {
      const result = await client.complete<z.output<S>>({
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        schema: schema as z.ZodType<z.output<S>>,
        schemaName,
        temperature: 0,
        signal,
      });
      return { value: result.value, model: result.model };
    },
  };
}
