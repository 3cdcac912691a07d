/** Deadlines of every AWS call the controller makes; the SDK sets none by default. */
export interface AwsTimeouts {
  connectionTimeout: number;
  requestTimeout: number;
}

export const defaultAwsTimeouts: AwsTimeouts = { connectionTimeout: 3_000, requestTimeout: 10_000 };

/**
 * Settings for the ECS and SQS clients: a hung connection fails (and is retried as a network error)
 * instead of holding a firing, an armed RunTask included, forever. throwOnRequestTimeout is what makes
 * requestTimeout a deadline: without it @smithy/node-http-handler 4.x only logs a warning and waits on.
 */
export function awsClientSettings(timeouts: AwsTimeouts = defaultAwsTimeouts): {
  requestHandler: AwsTimeouts & { throwOnRequestTimeout: true };
} {
  return { requestHandler: { ...timeouts, throwOnRequestTimeout: true } };
}
