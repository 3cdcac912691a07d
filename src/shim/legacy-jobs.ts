import type { Logger } from 'winston';
import { randomBytes } from 'node:crypto';
import { scheduleSeed } from '../api/identity.js';
import { runNowAnnotation } from '../api/run-now.js';
import type { Authorizer, Caller, JobVerb } from './auth.js';
import { JobStoreError, type JobResource, type JobStore } from './job-store.js';
import { checkCreateBody, checkUpdateBody, messagesFromCauses } from './legacy-body.js';
import { candidateNames, legacyIdMetadata, legacyIdOf, legacyIdProblems } from './legacy-id.js';
import { JobViews } from './job-views.js';
import { committedJob } from './legacy-view.js';
import { pageLinks, parsePage } from './pagination.js';

// The legacy /jobs operations over a JobStore, independent of HTTP. Each operation is a ladder of guards
// (authorized, body readable, valid, found, not taken), each returning the legacy status and body.

/** An HTTP answer: status, JSON body, extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  /** legacyJson(body), when already written (a job's view is kept with its text: job-views.ts). */
  text?: string;
  headers?: Record<string, string>;
}

/** A request body read as JSON, or the reply that refuses it (415, 413, 400). */
export type BodyResult = { ok: true; value: unknown } | { ok: false; reply: Reply };

/** Reads the request body; called only once the caller is authorized, so nothing is read for a 403. */
export type ReadBody = () => Promise<BodyResult>;

export interface LegacyJobsOptions {
  store: JobStore;
  namespace: string;
  /** Absent: every caller may do everything (loopback or --insecure). */
  authorizer?: Authorizer;
  now: () => Date;
  logger: Logger;
}

/** How often a PUT or DELETE re-reads and retries when the object changed under it. */
const maxAttempts = 3;

function message(status: number, text: string): Reply {
  return { status, body: { message: text } };
}

const notFound = (id: string): Reply => message(404, `Job ${id} does not exist`);
const alreadyExists = (id: string): Reply => message(409, `Job ${id} already exists`);

export class LegacyJobs {
  private readonly views: JobViews;

  constructor(private readonly options: LegacyJobsOptions) {
    this.views = new JobViews(options.namespace);
  }

  /** GET /jobs: one page of jobs in id order, with prev/next links. */
  async list(caller: Caller | undefined, query: URLSearchParams): Promise<Reply> {
    const denied = await this.deny(caller, 'list');
    if (denied) return denied;
    const page = parsePage(query);
    if (!page.ok) return { status: 400, body: { messages: page.messages } };
    const { jobs, total } = await this.options.store.list(page.page);
    const now = this.options.now();
    const shown = jobs.map((resource) => this.views.of(resource, now));
    return { status: 200, body: { jobs: shown, ...pageLinks(page.page, total) } };
  }

  /** GET /jobs/{id}. */
  async get(caller: Caller | undefined, id: string): Promise<Reply> {
    const denied = await this.deny(caller, 'get', id);
    if (denied) return denied;
    const found = await this.find(caller, 'get', id);
    if (found === undefined) return notFound(id);
    const now = this.options.now();
    return { status: 200, body: this.views.of(found, now), text: this.views.json(found, now) };
  }

  /** POST /jobs: 201 {id, link}; 400 invalid; 409 when the id is taken. */
  async create(caller: Caller | undefined, readBody: ReadBody): Promise<Reply> {
    const denied = await this.deny(caller, 'create');
    if (denied) return denied;
    const body = await readBody();
    if (!body.ok) return body.reply;
    const checked = checkCreateBody(body.value, this.options.namespace);
    if (!checked.ok) return { status: 400, body: { messages: checked.messages } };
    const { id, name, spec } = checked.value;
    // An id like "nightly--report" may already be a job created with kubectl under that very name. Looking
    // needs the right to read that job, checked before looking: a 409 must not tell a caller who may not
    // read it that it exists (a 403 for the missing right tells nothing, whether it exists or not).
    const kubectlName = candidateNames(id)[1];
    if (kubectlName !== undefined && caller !== undefined && this.options.authorizer !== undefined) {
      if (!(await this.options.authorizer.allowed(caller, 'get', kubectlName))) {
        return message(
          403,
          `User "${caller.username}" may not get job ${kubectlName} in namespace "${this.options.namespace}", which the id ${id} would name; ` +
            'reading it is needed to create this id',
        );
      }
    }
    if ((await this.find(undefined, 'get', id, { skip: 1, current: true })) !== undefined) return alreadyExists(id);
    try {
      await this.options.store.create({ name, spec, ...legacyIdMetadata(id) });
    } catch (error) {
      if (error instanceof JobStoreError && error.reason === 'AlreadyExists') return alreadyExists(id);
      return this.storeFailure(error, id);
    }
    this.options.logger.info('job created', { id, name, user: caller?.username });
    return { status: 201, body: committedJob(id) };
  }

  /** PUT /jobs/{id}: a JSON merge patch of the spec; 200 {id, link}. */
  async update(caller: Caller | undefined, id: string, readBody: ReadBody): Promise<Reply> {
    const denied = await this.deny(caller, 'patch', id);
    if (denied) return denied;
    const body = await readBody();
    if (!body.ok) return body.reply;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await this.find(caller, 'patch', id, { current: true });
      if (current === undefined) return notFound(id);
      const { name, resourceVersion = '' } = current.metadata;
      const checked = checkUpdateBody(current.spec, body.value, scheduleSeed(this.options.namespace, name));
      if (!checked.ok) return { status: 400, body: { messages: checked.messages } };
      if (Object.keys(checked.value.patch).length === 0) return { status: 200, body: committedJob(id) };
      try {
        await this.options.store.patchSpec(name, checked.value.patch, resourceVersion);
        this.options.logger.info('job updated', { id, name, user: caller?.username });
        return { status: 200, body: committedJob(id) };
      } catch (error) {
        // Changed (or deleted) since read: read again, so the merged spec that was validated is the one written.
        if (error instanceof JobStoreError && (error.reason === 'Conflict' || error.reason === 'NotFound')) continue;
        return this.storeFailure(error, id);
      }
    }
    return message(409, `Job ${id} was changed by someone else while updating; try again`);
  }

  /** DELETE /jobs/{id}: 200 {id}. */
  async remove(caller: Caller | undefined, id: string): Promise<Reply> {
    const denied = await this.deny(caller, 'delete', id);
    if (denied) return denied;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await this.find(caller, 'delete', id, { current: true });
      if (current === undefined) return notFound(id);
      try {
        const { name, uid = '', resourceVersion } = current.metadata;
        await this.options.store.delete(name, { uid, ...(resourceVersion !== undefined && { resourceVersion }) });
        this.options.logger.info('job deleted', { id, name: current.metadata.name, user: caller?.username });
        return { status: 200, body: { id } };
      } catch (error) {
        if (error instanceof JobStoreError && (error.reason === 'Conflict' || error.reason === 'NotFound')) continue;
        return this.storeFailure(error, id);
      }
    }
    return message(409, `Job ${id} was changed by someone else while deleting; try again`);
  }

  /**
   * POST /jobs/{id}/run (an extension of the legacy API): sets the job's run-now annotation to a new
   * value, so the controller fires it once, now; 202 {id, runNow, link}. Needs the right to patch the job.
   */
  async run(caller: Caller | undefined, id: string, now = new Date()): Promise<Reply> {
    const denied = await this.deny(caller, 'patch', id);
    if (denied) return denied;
    const current = await this.find(caller, 'patch', id, { current: true });
    if (current === undefined) return notFound(id);
    // The time says when it was asked for; the suffix keeps two requests in one millisecond two runs.
    const value = `${now.toISOString()}-${randomBytes(3).toString('hex')}`;
    try {
      await this.options.store.annotate(current.metadata.name, { [runNowAnnotation]: value });
    } catch (error) {
      return this.storeFailure(error, id);
    }
    this.options.logger.info('run requested', { id, name: current.metadata.name, runNow: value, user: caller?.username });
    return { status: 202, body: { id, runNow: value, link: committedJob(id).link } };
  }

  /** A 403 reply when the caller may not do `verb` (on the object the id maps to), else undefined. */
  private async deny(caller: Caller | undefined, verb: JobVerb, id?: string): Promise<Reply | undefined> {
    const { authorizer } = this.options;
    if (authorizer === undefined || caller === undefined) return undefined;
    // Ids that cannot exist are not names: authorize as for the id's derived name all the same.
    const name = id === undefined ? undefined : candidateNames(id)[0];
    if (await authorizer.allowed(caller, verb, name)) return undefined;
    const target = id === undefined ? 'jobs' : `job ${id}`;
    return message(403, `User "${caller.username}" may not ${verb} ${target} in namespace "${this.options.namespace}"`);
  }

  /**
   * The job with this id, or undefined. Looks at the id's own name, then (skipping `skip` candidates) at
   * a kubectl-made name equal to the id, which a caller must be allowed to `verb` as well. A write reads
   * the `current` object, not the cache's: its patch or delete is guarded by what it read, and a cache
   * behind another client's write would make that guard fail on every retry.
   */
  private async find(
    caller: Caller | undefined,
    verb: JobVerb,
    id: string,
    options: { skip?: number; current?: boolean } = {},
  ): Promise<JobResource | undefined> {
    if (legacyIdProblems(id).length > 0) return undefined;
    const names = candidateNames(id);
    const { store } = this.options;
    for (let i = options.skip ?? 0; i < names.length; i++) {
      const name = names[i] as string;
      if (i > 0 && caller !== undefined && this.options.authorizer !== undefined) {
        if (!(await this.options.authorizer.allowed(caller, verb, name))) continue;
      }
      const resource = options.current === true ? await store.getCurrent(name) : await store.get(name);
      if (resource !== undefined && legacyIdOf(resource.metadata) === id) return resource;
    }
    return undefined;
  }

  private storeFailure(error: unknown, id: string): Reply {
    if (!(error instanceof JobStoreError)) throw error;
    switch (error.reason) {
      case 'Invalid':
        return { status: 400, body: { messages: messagesFromCauses(error.causes, error.message) } };
      case 'NotFound':
        return notFound(id);
      case 'AlreadyExists':
        return alreadyExists(id);
      case 'Forbidden':
        return message(403, error.message);
      case 'Conflict':
        return message(409, `Job ${id} was changed by someone else; try again`);
      case 'Unavailable':
      case 'Loading':
        throw error;
    }
  }
}
