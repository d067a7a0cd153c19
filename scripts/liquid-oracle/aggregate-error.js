class AggregateError extends Error {
  constructor (errors) { super(errors.map(e => e.message).join('\n')); this._errors = errors }
  * [Symbol.iterator] () { yield * this._errors }
}
module.exports = AggregateError
module.exports.default = AggregateError
