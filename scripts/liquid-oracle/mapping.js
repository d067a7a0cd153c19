// Segment's mapping-kit transform(), bundled from its source, for checking expectations by hand.
const { transform } = require('./build/mapping-kit.cjs')
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean)
for (const line of lines) {
  const { mapping, event } = JSON.parse(line)
  try { console.log(JSON.stringify({ output: transform(mapping, event) })) } catch (e) { console.log(JSON.stringify({ error: e.message })) }
}
