import type { ScheduledEcsJob, ScheduledEcsJobStatus, SqsTrigger } from '../../src/api/index.js';
import { QueueNotFoundError, type QueueDepth } from '../../src/aws/queue-depth.js';
import type { EventRecorder, JobEvent, JobStatusWriter, Leadership } from '../../src/controller/ports.js';

/** Records status writes; the job passed to the next sync should carry the last one. */
export class FakeStatusWriter implements JobStatusWriter {
  readonly writes: ScheduledEcsJobStatus[] = [];
  readonly jobs: ScheduledEcsJob[] = [];

  // The status is frozen, deeply: a sync that changed it after handing it over would throw here, as
  // the real writer (StatusRecorder) keeps it as given.
  async writeStatus(job: ScheduledEcsJob, status: ScheduledEcsJobStatus): Promise<void> {
    this.writes.push(structuredClone(status));
    this.jobs.push(job);
    deepFreeze(status);
  }

  last(): ScheduledEcsJobStatus | undefined {
    return this.writes.at(-1);
  }

  /** The job the last status was written for. */
  lastJob(): ScheduledEcsJob | undefined {
    return this.jobs.at(-1);
  }
}

export class FakeEvents implements EventRecorder {
  readonly events: JobEvent[] = [];

  record(_job: ScheduledEcsJob, event: JobEvent): void {
    this.events.push(event);
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }
}

/** Queue depths by queue name; a name not listed does not exist. */
export class FakeQueueDepth implements QueueDepth {
  constructor(readonly depths: Record<string, number> = {}) {}

  async visibleMessages(trigger: SqsTrigger): Promise<number> {
    const name = trigger.queueName ?? trigger.queueUrl ?? '';
    const depth = this.depths[name];
    if (depth === undefined) throw new QueueNotFoundError(name);
    return depth;
  }
}

export class FakeLeadership implements Leadership {
  leader = true;

  isLeader(): boolean {
    return this.leader;
  }
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
