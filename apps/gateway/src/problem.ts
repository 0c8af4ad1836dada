/** Problem documents (RFC 9457) come from @fleet/shared-http: one shape for every API. */
export { sendProblem, sendValidationProblem, type FieldError } from '@fleet/shared-http';
