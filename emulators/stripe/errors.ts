/**
 * Stripe-shaped API errors. The official SDK turns `{error:{type,…}}` plus the HTTP status into its
 * typed error classes (StripeInvalidRequestError, StripeCardError, …), so getting these right is
 * what lets app code handle sandbox failures exactly as it handles Stripe's.
 */
export type StripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";

export interface StripeErrorDetails {
  code?: string;
  param?: string;
  declineCode?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly details: StripeErrorDetails = {},
  ) {
    super(message);
  }

  toBody(): { error: Record<string, string> } {
    const error: Record<string, string> = { type: this.type, message: this.message };
    if (this.details.code) {
      error.code = this.details.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.details.code.replaceAll("_", "-")}`;
    }
    if (this.details.param) error.param = this.details.param;
    if (this.details.declineCode) error.decline_code = this.details.declineCode;
    return { error };
  }
}

/**
 * A request whose parameters failed validation. Stripe does not store an idempotent result for
 * these, so a corrected retry with the same key is allowed.
 */
export class ParamError extends StripeApiError {
  constructor(message: string, param: string, code: "parameter_missing" | "parameter_unknown" | "parameter_invalid") {
    super(400, "invalid_request_error", message, { param, code });
  }
}

export function invalidRequest(message: string, details: StripeErrorDetails = {}): StripeApiError {
  return new StripeApiError(400, "invalid_request_error", message, details);
}

/** A missing object: 404 when it is the URL's subject, 400 when a parameter refers to it (as Stripe does). */
export function noSuchObject(kind: string, id: string, param?: string): StripeApiError {
  return new StripeApiError(param ? 400 : 404, "invalid_request_error", `No such ${kind}: '${id}'`, {
    code: "resource_missing",
    param: param ?? "id",
  });
}

export function cardError(code: string, message: string, declineCode?: string): StripeApiError {
  return new StripeApiError(402, "card_error", message, { code, declineCode });
}
