"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import type { SyncDirection, SyncEntity, SyncFrequency } from "@/lib/generated/prisma/enums";
import type { ProcoreSettings } from "@/lib/sync/settings";
import { saveProcoreSettings } from "./api";
import { Switch } from "./switch";

const ENTITIES: readonly { entity: SyncEntity; label: string }[] = [
  { entity: "LOCATIONS", label: "Locations" },
  { entity: "COMPANIES", label: "Companies" },
  { entity: "ROLES", label: "Roles" },
  { entity: "USERS", label: "Users" },
];

const DIRECTIONS: readonly { value: SyncDirection; label: string }[] = [
  { value: "PROCORE_TO_SMARTAPP", label: "Procore to Smartapp" },
  { value: "SMARTAPP_TO_PROCORE", label: "Smartapp to Procore" },
  { value: "BOTH", label: "Both" },
];

const FREQUENCIES: readonly { value: SyncFrequency; label: string }[] = [
  { value: "HOURLY", label: "Hourly" },
  { value: "DAILY", label: "Daily" },
  { value: "WEEKLY", label: "Weekly" },
];

/** The Procore settings: the "Procore sync" switch and, while it is on, a direction and frequency per entity. */
export function ProcoreSettingsForm({ projectId, initial, canEdit }: { projectId: string; initial: ProcoreSettings; canEdit: boolean }) {
  const [settings, setSettings] = useState(initial);
  const save = useMutation({
    mutationFn: () => saveProcoreSettings(projectId, settings),
    onSuccess: (saved) => {
      setSettings(saved);
      toast.success(saved.enabled ? "Procore sync is on: the syncs are scheduled" : "Procore sync is off");
    },
    onError: (err) => toast.error(err.message),
  });
  const setEntity = (entity: SyncEntity, change: Partial<ProcoreSettings["entities"][SyncEntity]>) =>
    setSettings({ ...settings, entities: { ...settings.entities, [entity]: { ...settings.entities[entity], ...change } } });

  return (
    <form
      aria-label="Procore settings"
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      {!canEdit && <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">Only the account&apos;s owners and admins can change these settings.</p>}
      <Switch label="Procore sync" checked={settings.enabled} onChange={(enabled) => setSettings({ ...settings, enabled })} disabled={!canEdit} />
      {settings.enabled && (
        <div className="grid gap-4 sm:grid-cols-2">
          {ENTITIES.map(({ entity, label }) => (
            <fieldset key={entity} disabled={!canEdit} className="space-y-3 rounded-lg p-4 ring-1 ring-slate-200">
              <legend className="px-1 font-medium">{label}</legend>
              <div className="space-y-1">
                {DIRECTIONS.map((d) => (
                  <label key={d.value} className="flex items-center gap-2 text-sm">
                    <input
                      type="radio"
                      name={`${entity}-direction`}
                      value={d.value}
                      checked={settings.entities[entity].direction === d.value}
                      onChange={() => setEntity(entity, { direction: d.value })}
                      className="accent-brand"
                    />
                    {d.label}
                  </label>
                ))}
              </div>
              <label className="block text-sm">
                <span className="font-medium text-slate-700">Frequency</span>
                <select
                  value={settings.entities[entity].frequency}
                  onChange={(e) => setEntity(entity, { frequency: e.target.value as SyncFrequency })}
                  className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2"
                >
                  {FREQUENCIES.map((f) => (
                    <option key={f.value} value={f.value}>
                      {f.label}
                    </option>
                  ))}
                </select>
              </label>
            </fieldset>
          ))}
        </div>
      )}
      <Button type="submit" disabled={!canEdit || save.isPending}>
        Save
      </Button>
    </form>
  );
}
