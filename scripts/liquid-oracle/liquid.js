// Segment's mapping-kit liquid engine setup, for checking expected outputs by hand.
const { Liquid } = require('./build/liquid.cjs')
const engine = new Liquid({ renderLimit: 500, parseLimit: 1000, memoryLimit: 1e8 })
for (const tag of ['case', 'for', 'include', 'layout', 'render', 'tablerow']) {
  const d = { parse () { throw new Error(`tag "${tag}" is disabled`) }, render () { throw new Error(`tag "${tag}" is disabled`) } }
  engine.registerTag(tag, d)
}
for (const f of ['array_to_sentence_string','concat','find','find_exp','find_index','find_index_exp','group_by','group_by_exp','has','has_exp','map','newline_to_br','reject','reject_exp','reverse','sort','sort_natural','uniq','where_exp','type']) {
  engine.registerFilter(f, function () { throw new Error(`filter "${f}" is disabled`) })
}
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean)
for (const line of lines) {
  const { template, event } = JSON.parse(line)
  try {
    if (template.length > 1000) throw new Error('liquid template values are limited to 1000 characters')
    const out = template.length === 0 ? '' : engine.parseAndRenderSync(template, event)
    console.log(JSON.stringify({ output: out }))
  } catch (e) { console.log(JSON.stringify({ error: e.message })) }
}
