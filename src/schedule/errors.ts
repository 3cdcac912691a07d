/** A schedule, time zone or bound that cannot be used; `field` names the part at fault when there is one. */
export class ScheduleError extends Error {
  readonly field?: string;

  constructor(message: string, field?: string) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.name = 'ScheduleError';
    if (field !== undefined) this.field = field;
  }
}
