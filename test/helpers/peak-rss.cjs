// Preloaded into a charnn child process (node --require) by memory tests: at exit, writes the
// process's peak resident set size in KB (worker threads included) to $CHARNN_TEST_PEAK_FILE.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.CHARNN_TEST_PEAK_FILE) writeFileSync(process.env.CHARNN_TEST_PEAK_FILE, String(process.resourceUsage().maxRSS));
});
