import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from 'winston';
import { taskStateOf, type TaskState } from './task-state.js';

// Reads the ECS "Task State Change" events an EventBridge rule puts on an SQS queue (docs/task-events-queue.md).
// EventBridge delivers at least once and in no particular order; the receiver of the states orders them
// by detail.version and drops repeats (TaskTracker). A message is deleted once its state is handed over:
// a state lost with this process is found again by the poller's resynchronisation.

/** What became of a message: its state applied, a repeat or older state, a task not followed, or unreadable. */
export type TaskEventOutcome = 'applied' | 'duplicate' | 'unfollowed' | 'invalid';

export interface TaskEventQueueOptions {
  sqs: SQSClient;
  /** Queue name or URL. */
  queue: string;
  logger: Logger;
  /** Takes a task's state; says what became of it. */
  onState: (state: TaskState) => Exclude<TaskEventOutcome, 'invalid'>;
  onOutcome?: (outcome: TaskEventOutcome) => void;
  /** Pause after a failed receive (the queue missing, the network down), doubled up to 60 s. */
  retryMs?: number;
  /** Long-poll wait of a receive, in seconds (SQS allows 0 to 20). */
  waitSeconds?: number;
}

/** The task state an EventBridge message carries, or why it carries none. */
export function taskStateOfEvent(body: string | undefined): TaskState | { invalid: string } {
  let event: unknown;
  try {
    event = JSON.parse(body ?? '');
  } catch {
    return { invalid: 'the message is not JSON' };
  }
  const envelope = event as { source?: unknown; 'detail-type'?: unknown; detail?: unknown } | null;
  if (envelope?.source !== 'aws.ecs' || envelope['detail-type'] !== 'ECS Task State Change') {
    return { invalid: 'the message is not an ECS "Task State Change" event (source aws.ecs)' };
  }
  if (typeof envelope.detail !== 'object' || envelope.detail === null) return { invalid: 'the event has no detail' };
  const state = taskStateOf(envelope.detail as Record<string, unknown>);
  return state ?? { invalid: 'the event detail has no taskArn or lastStatus' };
}

export class SqsTaskEventQueue {
  private running: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private url: string | undefined;
  /** Whether the last receive worked: while it does not, the poller polls at its own pace. */
  healthy = false;

  constructor(private readonly options: TaskEventQueueOptions) {
    if (/^https?:\/\//.test(options.queue)) this.url = options.queue;
  }

  start(): void {
    if (this.running !== undefined) return;
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.loop(abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.running = undefined;
    this.healthy = false;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const firstRetryMs = this.options.retryMs ?? 1_000;
    let retryMs = firstRetryMs;
    while (!signal.aborted) {
      try {
        await this.receiveOnce(signal);
        this.healthy = true;
        retryMs = firstRetryMs;
      } catch (error) {
        if (signal.aborted) break;
        this.healthy = false;
        logger.error('cannot read the task events queue; task outcomes come from polling DescribeTasks meanwhile', {
          queue: this.options.queue,
          error: describeError(error),
          retryInSeconds: retryMs / 1000,
        });
        await sleep(retryMs, signal);
        retryMs = Math.min(retryMs * 2, 60_000);
      }
    }
  }

  /** Receives up to 10 messages (waiting for them up to waitSeconds), hands their states over, deletes them. */
  async receiveOnce(signal?: AbortSignal): Promise<number> {
    const { sqs } = this.options;
    const url = await this.queueUrl();
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: this.options.waitSeconds ?? 20 }),
      { abortSignal: signal },
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return 0;
    for (const message of messages) this.handle(message);
    const entries = messages.flatMap((m, i) => (m.ReceiptHandle === undefined ? [] : [{ Id: String(i), ReceiptHandle: m.ReceiptHandle }]));
    const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    // A message not deleted comes back after its visibility timeout: a repeat, dropped then.
    for (const failure of deleted.Failed ?? []) {
      this.options.logger.warn('could not delete a task event; it will be read again', { queue: this.options.queue, error: failure.Message });
    }
    return messages.length;
  }

  private handle(message: Message): void {
    const state = taskStateOfEvent(message.Body);
    if ('invalid' in state) {
      this.options.logger.warn('dropped a message of the task events queue', { queue: this.options.queue, messageId: message.MessageId, why: state.invalid });
      this.options.onOutcome?.('invalid');
      return;
    }
    this.options.onOutcome?.(this.options.onState(state));
  }

  private async queueUrl(): Promise<string> {
    if (this.url !== undefined) return this.url;
    const out = await this.options.sqs.send(new GetQueueUrlCommand({ QueueName: this.options.queue }));
    if (out.QueueUrl === undefined) throw new Error(`SQS returned no URL for queue ${this.options.queue}`);
    this.url = out.QueueUrl;
    return this.url;
  }
}

function describeError(error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  const message = error instanceof Error ? error.message : String(error);
  return name !== undefined && !message.startsWith(name) ? `${name}: ${message}` : message;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
