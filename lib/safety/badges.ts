import { randomBytes } from "node:crypto";
import QRCode from "qrcode";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

/*
 * Safety badges: one per active member of the project team, with a QR code of the member's badge URL. The URL carries
 * an unguessable token (192 random bits) made once per member and kept: a printed badge stays the same badge. Its
 * public page tells whoever scans it whether the member is still active on the project.
 */

export interface Badge {
  memberId: string;
  name: string;
  initials: string;
  company: string | null;
  /** The member's project role, else their job title. */
  role: string | null;
  projectName: string;
  url: string;
}

export interface BadgeStatus {
  name: string;
  initials: string;
  company: string | null;
  role: string | null;
  projectName: string;
  active: boolean;
}

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

const newToken = () => randomBytes(24).toString("base64url");

const badgeUrl = (token: string): string => `${env().appUrl}/badge/${token}`;

/** "Ada", "Lovelace" → "AL"; the first letter of each name, whatever its script. */
export function initials(firstName: string, lastName: string): string {
  return [firstName, lastName].map((n) => Array.from(n.trim())[0] ?? "").join("").toLocaleUpperCase();
}

const memberSelect = {
  id: true,
  firstName: true,
  lastName: true,
  jobTitle: true,
  active: true,
  company: { select: { name: true } },
  role: { select: { name: true } },
  project: { select: { name: true } },
} as const;

type BadgeMember = { firstName: string; lastName: string; jobTitle: string | null; company: { name: string } | null; role: { name: string } | null; project: { name: string } };

function printed(member: BadgeMember) {
  return {
    name: `${member.firstName} ${member.lastName}`,
    initials: initials(member.firstName, member.lastName),
    company: member.company?.name ?? null,
    role: member.role?.name ?? member.jobTitle,
    projectName: member.project.name,
  };
}

/** The members' tokens, made for those who have none yet. */
async function tokensOf(memberIds: string[]): Promise<Map<string, string>> {
  const existing = await db().badgeToken.findMany({ where: { teamMemberId: { in: memberIds } } });
  const have = new Set(existing.map((t) => t.teamMemberId));
  const missing = memberIds.filter((id) => !have.has(id));
  if (missing.length === 0) return new Map(existing.map((t) => [t.teamMemberId, t.token]));
  // Two requests may make a member's first token at once: the unique member id keeps one, and both read it back.
  await db().badgeToken.createMany({ data: missing.map((teamMemberId) => ({ teamMemberId, token: newToken() })), skipDuplicates: true });
  const tokens = await db().badgeToken.findMany({ where: { teamMemberId: { in: memberIds } } });
  return new Map(tokens.map((t) => [t.teamMemberId, t.token]));
}

/** The badges of the project's active team members, by last name. */
export async function projectBadges(projectId: string): Promise<Badge[]> {
  const members = await db().teamMember.findMany({
    where: { projectId, active: true },
    select: memberSelect,
    orderBy: [{ lastName: "asc" }, { firstName: "asc" }],
  });
  const tokens = await tokensOf(members.map((m) => m.id));
  return members.map((m) => ({ memberId: m.id, ...printed(m), url: badgeUrl(tokens.get(m.id)!) }));
}

/** What a badge's public page shows; null for a token that is no badge's. */
export async function badgeStatus(token: string): Promise<BadgeStatus | null> {
  if (!TOKEN.test(token)) return null;
  const badge = await db().badgeToken.findUnique({ where: { token }, select: { teamMemberId: true } });
  const member = badge && (await db().teamMember.findUnique({ where: { id: badge.teamMemberId }, select: memberSelect }));
  return member ? { ...printed(member), active: member.active } : null;
}

const QR_OPTIONS = { errorCorrectionLevel: "M", margin: 2, width: 256 } as const;

/** The badge URL as a QR code, PNG bytes (for the PDF). */
export const qrPng = (url: string): Promise<Buffer> => QRCode.toBuffer(url, { ...QR_OPTIONS, type: "png" });

/** The same QR code as a data URL (for the page). */
export const qrDataUrl = (url: string): Promise<string> => QRCode.toDataURL(url, QR_OPTIONS);
