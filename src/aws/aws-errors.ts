// Which AWS failures are worth retrying: throttling, server faults and network errors are; the rest
// (missing task definition, bad parameters, access denied) are the user's to fix.

const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

// What AWS answers a request signed with a clock too far from its own (more than 5 minutes): the SDK
// corrects its clock from the answer's Date and tries again, and so does our ECS client.
const clockSkewNames = new Set([
  'AuthFailure',
  'InvalidSignatureException',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'SignatureDoesNotMatch',
]);

/** True when the error may come from a signing clock too far from AWS's. */
export function isClockSkewError(name: string): boolean {
  return clockSkewNames.has(name);
}

interface AwsLikeError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** True when the service refused the call for its request rate. */
export function isThrottlingError(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name !== undefined && throttlingNames.has(name);
}

/** True when the failure is transient: retrying the same call later may succeed. */
export function isRetryableAwsError(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return true;
  const e = error as AwsLikeError;
  if (e.name !== undefined && throttlingNames.has(e.name)) return true;
  if (e.$retryable !== undefined) return true;
  if (e.$fault === 'server') return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  // No HTTP response at all: a network error or timeout.
  return true;
}

/**
 * True when ECS refused a RunTask because its client token was used before with other parameters
 * (ConflictException): the earlier call launched, so this one must not.
 */
export function isClientTokenConflict(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return name === 'ConflictException' || name === 'IdempotentParameterMismatchException';
}

/** "Name: message" of an AWS error, for conditions and Events. */
export function describeAwsError(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
