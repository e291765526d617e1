// Errors the repository ports throw (the adapters translate their drivers' errors into these).

/** A unique key (id, key, handle) is taken. */
export class DuplicateError extends Error {
  constructor(what: string) { super(`${what} already exists`); this.name = "DuplicateError"; }
}

/** An opaque paging cursor that this store did not issue (or that was tampered with). */
export class InvalidCursorError extends Error {
  constructor() { super("invalid cursor"); this.name = "InvalidCursorError"; }
}
