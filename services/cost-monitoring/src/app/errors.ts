/** A request the cost service cannot answer as asked (mapped to 400 problem+json by the HTTP layer). */
export class InvalidQueryError extends Error {
  constructor(
    message: string,
    readonly errors: Array<{ parameter?: string; pointer?: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

export class AlertNotFoundError extends Error {
  constructor(id: string) {
    super(`no cost alert ${id}`);
    this.name = 'AlertNotFoundError';
  }
}

export class AlertStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertStateError';
  }
}
