// The cached offset timeline agrees with Intl everywhere, including at the exact second of each change.
import { expect } from 'chai';

import { ZoneOffsets } from '../../src/schedule/zone-offsets.js';
import { Random } from './expression-generator.js';
import { offsetOf } from './zone-reference.js';

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Apia', 'Africa/Casablanca', 'Asia/Gaza', 'UTC'];

describe('schedule: zone offsets', function () {
  it('matches Intl at random instants from 1970 to 9999', function () {
    this.timeout(60_000); // each new ~388-day span costs ~200 Intl calls
    const rng = new Random(7);
    for (let i = 0; i < 600; i += 1) {
      const zone = rng.pick(ZONES);
      const at = rng.int(0, 253402300799);
      expect(ZoneOffsets.of(zone).offsetAt(at), `${zone} at ${new Date(at * 1000).toISOString()}`).to.equal(offsetOf(zone, at));
    }
  });

  it('pins each change to the second', function () {
    const table: [string, string, number, number][] = [
      ['America/New_York', '2025-03-09T07:00:00Z', -5 * 3600, -4 * 3600],
      ['America/New_York', '2025-11-02T06:00:00Z', -4 * 3600, -5 * 3600],
      ['Europe/London', '2025-03-30T01:00:00Z', 0, 3600],
      ['Australia/Lord_Howe', '2025-04-05T15:00:00Z', 11 * 3600, 10.5 * 3600],
      ['Australia/Lord_Howe', '2025-10-04T15:30:00Z', 10.5 * 3600, 11 * 3600],
      ['Pacific/Apia', '2011-12-30T10:00:00Z', -10 * 3600, 14 * 3600],
    ];
    for (const [zone, iso, before, after] of table) {
      const at = Date.parse(iso) / 1000;
      const offsets = ZoneOffsets.of(zone);
      expect([offsets.offsetAt(at - 1), offsets.offsetAt(at)], `${zone} ${iso}`).to.deep.equal([before, after]);
      expect(offsets.transitionsBetween(at - 86400, at + 86400), `${zone} ${iso}`).to.deep.equal([{ at, before, after }]);
    }
  });
});
