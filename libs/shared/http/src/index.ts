export { sendProblem, sendValidationProblem, sendNoSuch, fieldErrorsOf, type FieldError } from './problem';
export { authenticate, identify, rejectAnonymous, requireScope, parseApiKeys, principalOf, type Principal, type AuthConfig, type ApiKey } from './auth';
export { clientRateLimit } from './rate-limit';
export { jsonBodies, parseContentType, BODY_LIMIT_BYTES } from './body';
export { problemErrorHandler, InvalidInputError, isTemporalUnreachable, isNotFound, isInvalidArgument } from './errors';
export { withDeadline, bounded, type DeadlineContext } from './deadline';
export { describeRun, describeOfType, listRuns, queryOrNull, runViewSchema, RUN_STATUSES, PROGRESS_QUERY_MS, type RunView, type ProgressReader } from './runs';
export { startDomainWorkflow, parseBody, parseQuery, type StartedRun, type StartOptions } from './start';
export { isDomainApi, type DomainApi, type DomainApiContext } from './domain-api';
export { findDomainApiPackages, loadDomainApis, workspaceRoot, type DomainApiPackage } from './discovery';
export {
  jsonSchemaOf,
  operation,
  runLink,
  problemResponse,
  problemSchema,
  assembleOpenApiDocument,
  createAjv,
  createBodyValidator,
  type OpenApiFragment,
  type OperationSpec,
  type JsonSchema,
  type PathItem,
  type DocumentParts,
} from './openapi';
