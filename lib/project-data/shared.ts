import { z } from "zod";
import { HttpError } from "@/lib/errors";
import { isStorableText as storable, UNSTORABLE_TEXT_MESSAGE as UNSTORABLE_MESSAGE } from "@/lib/security/text";

/** A required one-line text: trimmed, inner runs of spaces kept as typed. */
export const requiredText = (label: string, max = 200) =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(max, `Use at most ${max} characters`)
    .refine(storable, UNSTORABLE_MESSAGE);

/** An optional text: blank means "none" and is stored as null. */
export const optionalText = (max = 200) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters`)
    .refine(storable, UNSTORABLE_MESSAGE)
    .nullish()
    .transform((v) => (v ? v : null));

const EMAIL = z.email();

export const requiredEmail = requiredText("an email address", 320).refine((v) => EMAIL.safeParse(v).success, "Enter a valid email address");

export const optionalEmail = optionalText(320).refine((v) => v === null || EMAIL.safeParse(v).success, "Enter a valid email address");

/** A reference to another record of the project; null or blank clears it. */
export const optionalId = z
  .string()
  .trim()
  .refine(storable, UNSTORABLE_MESSAGE)
  .nullish()
  .transform((v) => (v ? v : null));

/** 409 naming the field, so the form shows the message beside it. */
export const conflict = (field: string, message: string) => new HttpError(409, message, { [field]: [message] });

/** 422 naming the field: the input is well formed but does not fit the project's data. */
export const unfit = (field: string, message: string) => new HttpError(422, message, { [field]: [message] });

/** The record, or 404 when it does not exist in this project (another project's ids reveal nothing). */
export function found<T>(record: T | null, what: string): T {
  if (record === null) throw new HttpError(404, `${what} not found`);
  return record;
}
