// Mocha's spec reporter, plus one closing line in the plain form CI reads:
// "tests: N passed, N failed, N skipped".
'use strict';
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = this.stats;
      // Spec prints its epilogue on the same event; print after it.
      process.nextTick(() => {
        console.log(`tests: ${passes} passed, ${failures} failed, ${pending} skipped`);
      });
    });
  }
}

module.exports = SpecWithTotals;
