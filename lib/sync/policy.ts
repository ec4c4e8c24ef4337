import { createHash } from "node:crypto";
import type { SyncDirection } from "@/lib/generated/prisma/enums";

/*
 * The sync's rules, with no I/O: what identifies one record on both sides (natural keys), what counts as a change
 * (a hash of the compared fields), and what to do with one record (`decide`). The engine applies the decisions;
 * these functions are the whole policy, so they are tested exhaustively in tests/sync/policy.test.ts.
 */

// ---------------------------------------------------------------- natural keys

const collapse = (s: string) => s.trim().replace(/\s+/g, " ");

/** Companies and Roles link by name: "  ACME   Inc " and "acme inc" are one company. */
export function nameKey(name: string): string {
  return collapse(name).toLowerCase();
}

/** Users link by email, which is case-insensitive and never contains spaces. */
export function emailKey(email: string): string {
  return email.replace(/\s+/g, "").toLowerCase();
}

/** Procore shows location tiers joined by " > ", and so do Smartapp's `Location.path` values. */
export const PATH_SEPARATOR = " > ";

/** "Building A >Floor 3" → ["Building A", "Floor 3"]; blank tiers are dropped. */
export function splitPath(path: string): string[] {
  return path
    .split(">")
    .map(collapse)
    .filter((tier) => tier !== "");
}

/** The display form of a path: tiers with single inner spaces, joined by " > ". */
export function formatPath(path: string | readonly string[]): string {
  return (typeof path === "string" ? splitPath(path) : path.map(collapse)).join(PATH_SEPARATOR);
}

/**
 * Locations link by full path, tier by tier, ignoring case and spacing. A parent's key is a prefix of its
 * children's, so sorting by key puts parents first.
 */
export function pathKey(path: string | readonly string[]): string {
  return (typeof path === "string" ? splitPath(path) : path).map(nameKey).join(PATH_SEPARATOR);
}

// ---------------------------------------------------------------- content hashes

/** What an adapter may put in its compared fields: plain JSON, so conflicts can be stored with both values. */
export type Comparable = string | number | boolean | null | readonly Comparable[] | { readonly [key: string]: Comparable };
export type ComparedFields = { readonly [key: string]: Comparable };

// Blank and missing are the same value on both sides: Procore sends null where Smartapp stores "", and spacing
// typed into a form is not an edit. Case is kept (renaming "Acme" to "ACME" is an edit); adapters put fields whose
// case does not matter (emails) through their key function first.
function canonical(value: Comparable | undefined): Comparable {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return collapse(value) === "" ? null : collapse(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object") {
    const record = value as { readonly [key: string]: Comparable };
    const out: Record<string, Comparable> = {};
    for (const key of Object.keys(record).sort()) out[key] = canonical(record[key]);
    return out;
  }
  return value;
}

/** The canonical form of compared fields: what is hashed, and what a conflict records. */
export function canonicalFields(fields: ComparedFields): ComparedFields {
  return canonical(fields) as ComparedFields;
}

/** sha256 of the canonical JSON (keys sorted, whitespace normalised, blanks as null) of the compared fields. */
export function contentHash(fields: ComparedFields): string {
  return createHash("sha256").update(JSON.stringify(canonicalFields(fields))).digest("hex");
}

// ---------------------------------------------------------------- decisions

/** A record as one side has it now: the hash of its compared fields (activity included) and whether it is active. */
export interface RecordState {
  hash: string;
  active: boolean;
}

/** The hashes both sides had when the record was last synced. */
export interface LinkState {
  localHash: string;
  procoreHash: string;
}

export type Side = "local" | "procore";

/**
 * One record to decide on. `local: null` means Smartapp has no such record (never had, or it was deleted);
 * `procore: null` means Procore has none (an unlinked record no one matched, or a linked one missing from a full
 * pull); `"unseen"` means an incremental pull did not return it, i.e. it has not changed in Procore since the
 * last sync. Unlinked records are always seen: the engine pulls in full before it could create from them.
 */
export type DecisionInput = {
  direction: SyncDirection;
  /** Who wins when both sides changed since the last sync. The product default is Procore (DEFAULT_CONFLICT_WINNER). */
  conflictWinner?: Side;
  local: RecordState | null;
} & ({ link: LinkState; procore: RecordState | "unseen" | null } | { link: null; procore: RecordState | null });

export type WriteAction = "create-local" | "create-procore" | "update-local" | "update-procore" | "tombstone-local" | "tombstone-procore";

/** What the winning side's state does to the other side: copy it over, or (winner gone or inactive) deactivate it. */
export type Resolution = "update-local" | "update-procore" | "tombstone-local" | "tombstone-procore";

export type Decision =
  /** Write to one side. Updates on an unlinked pair link it first (a natural-key match whose contents differ). */
  | { action: WriteAction }
  /** A natural-key match with the same contents: store the link, write nothing. */
  | { action: "link-only" }
  /** Nothing to do (no change, or the change flows in a direction this project does not sync). */
  | { action: "unchanged" }
  /** Both sides are gone or inactive: forget the link, keep whatever inactive record is left. */
  | { action: "unlink" }
  /** Changed on both sides since the last sync: `resolution` applies the winner's state; logged with both values. */
  | { action: "conflict"; winner: Side; resolution: Resolution };

export const DEFAULT_CONFLICT_WINNER: Side = "procore";

export function pullsIntoSmartapp(direction: SyncDirection): boolean {
  return direction !== "SMARTAPP_TO_PROCORE";
}

export function pushesToProcore(direction: SyncDirection): boolean {
  return direction !== "PROCORE_TO_SMARTAPP";
}

function writes(direction: SyncDirection, side: Side): boolean {
  // Writing to Smartapp is a pull, writing to Procore is a push.
  return side === "local" ? pullsIntoSmartapp(direction) : pushesToProcore(direction);
}

const other = (side: Side): Side => (side === "local" ? "procore" : "local");
const alive = (state: RecordState | null) => state !== null && state.active;

/**
 * `winner`'s state overwrites the loser: a gone or inactive winner deactivates an active loser (a tombstone, never
 * a hard delete), anything else is copied over (which also reactivates).
 */
function resolve(winner: Side, winnerState: RecordState | null, loserState: RecordState | "unseen" | null): Resolution {
  const loser = other(winner);
  // An unseen Procore record is one we know to exist unchanged; treat it as active so a deactivation reaches it.
  const loserAlive = loserState === "unseen" || alive(loserState);
  return !alive(winnerState) && loserAlive ? `tombstone-${loser}` : `update-${loser}`;
}

/** The whole sync policy for one record. */
export function decide(input: DecisionInput): Decision {
  const { direction, local } = input;
  const winnerOnConflict = input.conflictWinner ?? DEFAULT_CONFLICT_WINNER;

  if (input.link === null) {
    const procore = input.procore;
    if (local && procore) {
      if (local.hash === procore.hash) return { action: "link-only" };
      // First contact: nothing changed "since the last sync", so the direction decides, and BOTH uses the
      // conflict policy's winner without logging a conflict.
      const winner: Side = direction === "BOTH" ? winnerOnConflict : pullsIntoSmartapp(direction) ? "procore" : "local";
      return { action: resolve(winner, winner === "local" ? local : procore, winner === "local" ? procore : local) };
    }
    // Inactive records are not created on the other side: there is nothing there to deactivate.
    if (local && alive(local) && pushesToProcore(direction)) return { action: "create-procore" };
    if (procore && alive(procore) && pullsIntoSmartapp(direction)) return { action: "create-local" };
    return { action: "unchanged" };
  }

  const { link, procore } = input;
  if (local === null && procore === null) return { action: "unlink" };

  if (procore === null) {
    // Gone from Procore (seen by a full pull). Procore's deletion wins unless Smartapp is the only source.
    if (!alive(local)) return { action: "unlink" };
    return { action: writes(direction, "local") ? "tombstone-local" : "create-procore" };
  }
  if (local === null) {
    // Deleted in Smartapp. Symmetric: deactivate in Procore, or re-create from Procore when it is the only source.
    if (procore !== "unseen" && !procore.active) return { action: "unlink" };
    if (writes(direction, "procore")) return { action: "tombstone-procore" };
    return { action: procore === "unseen" ? "unchanged" : "create-local" };
  }

  if (procore !== "unseen" && local.hash === procore.hash) return { action: "unchanged" };
  const localChanged = local.hash !== link.localHash;
  const procoreChanged = procore !== "unseen" && procore.hash !== link.procoreHash;
  if (!localChanged && !procoreChanged) return { action: "unchanged" };

  // An unseen Procore record has not changed, so it never wins; its state only matters as a loser's.
  const stateOf = (side: Side) => (side === "local" ? local : procore === "unseen" ? null : procore);
  const loserOf = (winner: Side) => (winner === "local" ? procore : local);
  const apply = (winner: Side): Decision =>
    writes(direction, other(winner)) ? { action: resolve(winner, stateOf(winner), loserOf(winner)) } : { action: "unchanged" };

  if (localChanged && procoreChanged) {
    // A one-way project never writes to its source, so only BOTH can conflict.
    if (direction !== "BOTH") return apply(pullsIntoSmartapp(direction) ? "procore" : "local");
    const winner = winnerOnConflict;
    return { action: "conflict", winner, resolution: resolve(winner, stateOf(winner), loserOf(winner)) };
  }
  return apply(localChanged ? "local" : "procore");
}

/** How a decision shows in the run's counts. */
export function countAs(decision: Decision): "created" | "updated" | "unchanged" {
  switch (decision.action) {
    case "create-local":
    case "create-procore":
      return "created";
    case "update-local":
    case "update-procore":
    case "tombstone-local":
    case "tombstone-procore":
    case "conflict":
      return "updated";
    case "link-only":
    case "unchanged":
    case "unlink":
      return "unchanged";
  }
}

/** The write a decision makes, if any (a conflict makes its resolution's write). */
export function writeOf(decision: Decision): WriteAction | null {
  if (decision.action === "conflict") return decision.resolution;
  return decision.action === "link-only" || decision.action === "unchanged" || decision.action === "unlink" ? null : decision.action;
}
