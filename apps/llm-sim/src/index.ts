export { startLlmSim, countTokens, chatRequest, type LlmSim, type LlmSimOptions, type LlmSimStats, type ChatRequest } from './sim';
export { fillSchema, seededRandom, type Json, type JsonSchema } from './fill';
