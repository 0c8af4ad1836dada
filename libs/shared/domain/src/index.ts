export { defineDomain, type InputSchemas, type DomainDefinition, type DomainManifest, type WorkflowContract, type SearchAttributeKind } from './define-domain';
export { addDays, dayInTimeZone, isIsoDate, type IsoDate } from './dates';
export { boundedInt, idSchema, isoDateSchema, textSchema } from './schemas';
export { describeIssues, INVALID_INPUT, parseInput } from './input';
export { rootCauseMessage } from './errors';
