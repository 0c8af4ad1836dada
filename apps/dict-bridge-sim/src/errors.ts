import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/**
 * An answer DICT gives as an error: the gRPC code the bridge maps it to, and DICT's own error type
 * (the `type` of its problem+json, e.g. EntryAlreadyExists), carried in the `dict-error` metadata.
 */
export class DictError extends Error {
  constructor(
    readonly code: status,
    readonly dictError: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DictError';
  }

  toServiceError(): Partial<ServiceError> {
    const metadata = new Metadata();
    metadata.set('dict-error', this.dictError);
    for (const [k, v] of Object.entries(this.extra)) metadata.set(k, v);
    return { code: this.code, details: `${this.dictError}: ${this.message}`, metadata };
  }
}

// DICT's 400s are the caller's to fix (INVALID_ARGUMENT), except those saying the entry is there already.
export const badRequest = (message: string, dictError = 'BadRequest') => new DictError(status.INVALID_ARGUMENT, dictError, message);
export const forbidden = (message: string) => new DictError(status.PERMISSION_DENIED, 'Forbidden', message);
export const notFound = (message: string) => new DictError(status.NOT_FOUND, 'NotFound', message);
export const alreadyExists = (message: string, dictError = 'EntryAlreadyExists') => new DictError(status.ALREADY_EXISTS, dictError, message);
