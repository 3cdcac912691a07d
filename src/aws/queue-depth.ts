import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SqsTrigger } from '../api/index.js';

/** The queue a trigger names does not exist: the user's to fix, not retried. */
export class QueueNotFoundError extends Error {
  constructor(readonly queue: string) {
    super(`SQS queue ${queue} does not exist`);
    this.name = 'QueueNotFoundError';
  }
}

/** How many messages wait in a trigger's queue. */
export interface QueueDepth {
  visibleMessages(trigger: SqsTrigger): Promise<number>;
}

function isQueueMissing(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  return name === 'QueueDoesNotExist' || name.includes('NonExistentQueue');
}

/** QueueDepth over the AWS SDK v3 SQS client; queue URLs are looked up once per name and cached. */
export class SqsQueueDepth implements QueueDepth {
  private readonly urls = new Map<string, string>();

  constructor(private readonly sqs: SQSClient) {}

  async visibleMessages(trigger: SqsTrigger): Promise<number> {
    const queue = trigger.queueUrl ?? trigger.queueName ?? '';
    const url = trigger.queueUrl ?? (await this.urlOf(queue));
    try {
      const out = await this.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
    } catch (error) {
      if (!isQueueMissing(error)) throw error;
      // A queue deleted and re-created gets the same URL, but a stale entry must not outlive it.
      this.urls.delete(queue);
      throw new QueueNotFoundError(queue);
    }
  }

  private async urlOf(name: string): Promise<string> {
    const cached = this.urls.get(name);
    if (cached !== undefined) return cached;
    try {
      const out = await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      if (out.QueueUrl === undefined) throw new QueueNotFoundError(name);
      this.urls.set(name, out.QueueUrl);
      return out.QueueUrl;
    } catch (error) {
      if (isQueueMissing(error)) throw new QueueNotFoundError(name);
      throw error;
    }
  }
}
