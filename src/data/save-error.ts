/** A save that did not happen, in words for the mentor. Whatever they typed is still on screen. */
export class SaveError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SaveError';
  }
}

export class NotFoundError extends SaveError {
  constructor(table: string, id: string) {
    super(`That record (${table} ${id}) is not on this tablet.`);
    this.name = 'NotFoundError';
  }
}
