/**
 * Base of every error the domain raises on purpose. The HTTP layer maps errors to
 * responses by `code` (see `domain-exception.filter.ts`), never by message text.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(
    message: string,
    /** The request field at fault, when the error is about one (e.g. `cronExpression`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
