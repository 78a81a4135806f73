// Preloaded (`node --require`) by the bundle tests: when the process exits, writes the files Node loaded
// as CommonJS modules (require.cache: the dist files) to LOADED_MODULES_FILE, as JSON.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.LOADED_MODULES_FILE;
  if (file) writeFileSync(file, JSON.stringify(Object.keys(require.cache)));
});
