export {
  createChatClient,
  chatClientFromEnv,
  llmEnv,
  toResponseSchema,
  extractJson,
  type ChatClient,
  type ChatClientOptions,
  type ChatMessage,
  type CompleteRequest,
  type CompleteResult,
  type LlmPrice,
  type LlmProgress,
  type LlmUsage,
} from './client';
export { LlmError, LlmHttpError, LlmTimeoutError, LlmNetworkError, LlmOutputError, isRetryableStatus } from './errors';
export { createLlmMetrics, type LlmMetrics, type LlmCallRecord } from './metrics';
