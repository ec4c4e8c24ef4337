/** An error meant for the caller, with its HTTP status and, for bad input, messages per field. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields?: Record<string, string[]>,
    readonly code?: string,
  ) {
    super(message);
  }
}

export const notFound = (what = "Not found") => new HttpError(404, what);
export const unprocessable = (message: string, fields?: Record<string, string[]>) => new HttpError(422, message, fields);
