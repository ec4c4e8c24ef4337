import { LicenceUpsell } from "@/components/planner/licence-upsell";

export default function PlannerNotFound() {
  return <LicenceUpsell heading="The plan board is not available" licence="Planner" />;
}
