import { z } from "zod";
import type { Selection } from "./rules";

/*
 * The draft's wire and storage shape, with no I/O: the draft API parses requests with it, and billing parses stored
 * drafts with it.
 */

const MAX_INT8 = 2n ** 63n - 1n;

const procoreProjectId = z
  .string()
  .regex(/^\d{1,19}$/, { error: "must be a Procore project id", abort: true })
  // Looked up as a PostgreSQL bigint: a larger number cannot be a Procore project.
  .refine((id) => BigInt(id) <= MAX_INT8, "must be a Procore project id");

export const selectionSchema = z.object({
  procoreProjectId,
  planner: z.boolean(),
  safety: z.boolean(),
  plannerBoard: z.boolean(),
  safetyBadge: z.boolean(),
}) satisfies z.ZodType<Selection>;

export const selectionListSchema = z.array(selectionSchema).max(10_000);

export const draftInputSchema = z.object({
  selections: selectionListSchema,
  /** Left out by the mapping page; the subscriptions page sets it. Absent = keep the saved one. */
  interval: z.enum(["MONTH", "YEAR"]).optional(),
});

export type DraftInput = z.input<typeof draftInputSchema>;

/** A saved draft as the API answers it. */
export type Draft = { selections: Selection[]; interval: "MONTH" | "YEAR" };
