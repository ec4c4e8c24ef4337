import { LicenceUpsell } from "@/components/planner/licence-upsell";

export default function BadgesNotFound() {
  return <LicenceUpsell heading="Safety badges are not available" licence="Safety Badge" />;
}
