class CustomError extends Error { constructor (m) { super(m); this.name = new.target.name } }
module.exports = { CustomError }
