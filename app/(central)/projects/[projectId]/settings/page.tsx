import { redirect } from "next/navigation";

export default async function SettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  redirect(`/projects/${(await params).projectId}/settings/procore`);
}
