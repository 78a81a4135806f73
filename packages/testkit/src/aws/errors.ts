/** An error the AWS peer answers with, in the AWS JSON 1.1 shape `{"__type": ..., "message": ...}`. */
export class AwsServiceError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = errorType;
  }
}

export const validation = (message: string) => new AwsServiceError('ValidationException', message);

/** Default HTTP status of well-known error types. */
export function statusOf(errorType: string): number {
  switch (errorType) {
    case 'InternalServerError':
    case 'InternalFailure':
    case 'ServerException':
      return 500;
    case 'ServiceUnavailable':
    case 'ServiceUnavailableException':
      return 503;
    default:
      return 400;
  }
}
