// Expected failures of domain operations, as values. The HTTP layer maps each kind to one
// RFC 9457 problem type in one place (node/http/problem.ts).

/** One failing field: a JSON Pointer (RFC 6901) into the submitted document and a message. */
export interface FieldError { pointer: string; message: string }

export type DomainError =
  | { kind: "validation"; errors: FieldError[] } // 422: the document is well-formed JSON but invalid
  | { kind: "not-found"; what: string }
  | { kind: "conflict"; message: string; errors?: FieldError[] } // 409: illegal transition, duplicate, stale write
  | { kind: "gone"; what: string } // 410: withdrawn
  | { kind: "precondition"; message: string } // 412: the version the client based its edit on is not current
  | { kind: "forbidden"; message: string };

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: DomainError): Result<never> => ({ ok: false, error });
