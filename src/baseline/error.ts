/** A baseline that cannot be loaded or stored as configured; `message` is one line, no stack trace needed. */
export class BaselineError extends Error {
  override name = 'BaselineError'
}
