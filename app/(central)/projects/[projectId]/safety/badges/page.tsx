import { BadgeSheet } from "@/components/safety/badge-sheet";
import { featurePage } from "@/lib/planner/features";
import { projectBadges, qrDataUrl } from "@/lib/safety/badges";

export const dynamic = "force-dynamic";

/** Safety Badge: a printable badge per active team member. */
export default async function BadgesPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { project } = await featurePage((await params).projectId, "badges");
  const badges = await projectBadges(project.id);
  const printed = await Promise.all(badges.map(async (badge) => ({ ...badge, qrDataUrl: await qrDataUrl(badge.url) })));
  return <BadgeSheet project={project} badges={printed} />;
}
