/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- mocha loads reporters as CommonJS */
// Mocha's spec reporter, plus one closing line in the plain form CI reads:
// "tests: N passed, N failed, N skipped".
const Mocha = require('mocha')

const {EVENT_RUN_END} = Mocha.Runner.constants

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    runner.once(EVENT_RUN_END, () => {
      const {failures, passes, pending} = runner.stats
      // After Spec's own epilogue, which is also registered on EVENT_RUN_END.
      setImmediate(() => process.stdout.write(`tests: ${passes} passed, ${failures} failed, ${pending} skipped\n`))
    })
  }
}

module.exports = SummaryReporter
