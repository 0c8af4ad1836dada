export { startLlmServer, type LlmServer, type LlmServerOptions } from './server';
export { loadEngine, BusyError, ContextLengthError, SchemaError, type Engine, type EngineOptions, type EngineStats, type GenerateRequest, type GenerateResult } from './engine';
export { fitGbnfSchemaToBudget, toGbnfSchema, type GbnfSchemaOptions } from './gbnf-schema';
