import { expect } from 'chai';

import { ScheduleError, validateTimezone } from '../../src/schedule/index.js';

describe('schedule: time zone names', function () {
  for (const name of ['UTC', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Etc/GMT+5', 'US/Eastern', 'Asia/Kolkata', 'Asia/Calcutta']) {
    it(`accepts ${name}`, function () {
      expect(() => validateTimezone(name)).not.to.throw();
    });
  }
  for (const name of ['', 'Mars/Olympus', 'utc', 'europe/london', 'GMT+5', '+05:00', 'Europe/London ', 'local']) {
    it(`rejects ${JSON.stringify(name)}, naming the timezone field`, function () {
      let thrown: unknown;
      try {
        validateTimezone(name);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(ScheduleError);
      expect((thrown as ScheduleError).field).to.equal('timezone');
      expect((thrown as ScheduleError).message).to.match(/^timezone: /);
    });
  }
});
