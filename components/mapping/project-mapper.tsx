"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useDeferredValue, useMemo, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import type { Draft } from "@/lib/licensing/draft-schema";
import {
  indexProjects,
  keepSelectable,
  setOption,
  setProjectSelected,
  summary,
  toSelectionMap,
  validateSelection,
  viewProjects,
  type LicenceFilter,
  type MappableProject,
  type ModuleFilter,
  type OptionKey,
  type SelectionMap,
} from "@/lib/licensing/rules";
import {
  draftKey,
  fetchDraft,
  fetchProjects,
  isRateLimited,
  isReconnectNeeded,
  projectsKey,
  refreshProjects,
  retryDelay,
  retryPolicy,
  type ProjectsResponse,
} from "./api";
import { ProjectCentralBackdrop } from "./backdrop";
import { ProjectList } from "./project-list";
import { OPTION_COLUMNS, ROW_GRID } from "./project-row";
import { SummaryBar } from "./summary-bar";
import { useDraftAutosave } from "./use-draft-autosave";

const FILTERS: readonly { value: LicenceFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "licensed", label: "Licensed" },
  { value: "not_licensed", label: "Not licensed" },
];

const MODULE_FILTERS: readonly { value: ModuleFilter; label: string }[] = [
  { value: "any", label: "Any" },
  { value: "planner", label: "Planner" },
  { value: "safety", label: "Safety" },
  { value: "both", label: "Both" },
];

function showLicensedToast(project: MappableProject) {
  if (!project.licence) return;
  toast.info(`${project.name} is already licensed`, {
    // One toast per project however often its row is clicked.
    id: `licensed-${project.procoreProjectId}`,
    description: (
      <span>
        Its modules are managed from Project Central →{" "}
        <Link className="font-medium text-brand underline" href={`/projects/${project.licence.projectId}/subscription`}>
          Manage Subscriptions
        </Link>
        .
      </span>
    ),
  });
}

function Notice({ children, tone = "info" }: { children: React.ReactNode; tone?: "info" | "error" }) {
  const colours = tone === "error" ? "bg-red-50 text-red-800 ring-red-200" : "bg-amber-50 text-amber-900 ring-amber-200";
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`mt-4 rounded-md p-3 text-sm ring-1 ${colours}`}>
      {children}
    </div>
  );
}

/** What to say about a failed or waiting call to Procore: wait, reconnect, or the server's message. */
function ProcoreTrouble({ error, waiting, onRetry }: { error: Error | null; waiting: boolean; onRetry?: () => void }) {
  if (waiting) return <Notice>Procore is busy right now. Waiting a moment and trying again…</Notice>;
  if (!error) return null;
  if (isReconnectNeeded(error)) {
    return (
      <Notice tone="error">
        Smartapp can no longer reach Procore for you. Your selection is kept.{" "}
        <a className="font-medium underline" href="/procore/setup?reconnect=1">
          Reconnect to Procore
        </a>
      </Notice>
    );
  }
  return (
    <Notice tone="error">
      {error.message}{" "}
      {onRetry && (
        <button type="button" className="font-medium underline" onClick={onRetry}>
          Try again
        </button>
      )}
    </Notice>
  );
}

function Frame({ accountName, actions, children }: { accountName: string; actions?: React.ReactNode; children: React.ReactNode }) {
  return (
    <>
      <ProjectCentralBackdrop />
      <section className="rounded-xl bg-white/95 p-6 shadow-lg ring-1 ring-slate-200">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold">Map Procore projects</h1>
            <p className="mt-1 text-sm text-slate-600">
              {accountName}: select Procore projects, then choose Smartapp Planner, Safety or both, with their add-ons.
            </p>
          </div>
          {actions}
        </div>
        {children}
      </section>
    </>
  );
}

/** The mapping page: loads the company's Procore projects and the saved draft, then shows the mapping form. */
export function ProjectMapper({ accountId, accountName }: { accountId: string; accountName: string }) {
  const projects = useQuery({ queryKey: projectsKey(accountId), queryFn: () => fetchProjects(accountId), retry: retryPolicy, retryDelay });
  // The draft only seeds the form; the form then owns the selection, so the draft is never refetched under it.
  const draft = useQuery({ queryKey: draftKey(accountId), queryFn: () => fetchDraft(accountId), retry: retryPolicy, retryDelay, staleTime: Infinity });

  if (projects.data && draft.data) {
    return <MappingForm accountId={accountId} accountName={accountName} listing={projects.data} savedDraft={draft.data} />;
  }
  const error = projects.error ?? draft.error;
  return (
    <Frame accountName={accountName}>
      {error ? (
        <ProcoreTrouble error={error} waiting={false} onRetry={() => void Promise.all([projects.refetch(), draft.refetch()])} />
      ) : (
        <>
          <ProcoreTrouble error={null} waiting={isRateLimited(projects.failureReason)} />
          <p role="status" className="mt-6 animate-pulse text-slate-500">
            Loading your Procore projects…
          </p>
        </>
      )}
    </Frame>
  );
}

type MappingFormProps = { accountId: string; accountName: string; listing: ProjectsResponse; savedDraft: Draft };

function MappingForm({ accountId, accountName, listing, savedDraft }: MappingFormProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { projects } = listing;
  const byId = useMemo(() => indexProjects(projects), [projects]);
  const licensedIds = useMemo(() => new Set(projects.filter((p) => p.licence).map((p) => p.procoreProjectId)), [projects]);

  // Rows licensed or gone since the draft was saved are dropped, so a restored page starts valid.
  const [selections, setSelections] = useState<SelectionMap>(() => toSelectionMap(keepSelectable(savedDraft.selections, byId)));
  const [search, setSearch] = useState("");
  const [filter, setFilter] = useState<LicenceFilter>("all");
  const [modules, setModules] = useState<ModuleFilter>("any");
  // Typing stays responsive with thousands of rows: the list catches up with the search box when React has time.
  const deferredSearch = useDeferredValue(search);

  const sections = useMemo(() => viewProjects(projects, { search: deferredSearch, filter, modules }), [projects, deferredSearch, filter, modules]);
  const list = useMemo(() => [...selections.values()], [selections]);
  const counts = useMemo(() => summary(list), [list]);
  const problems = useMemo(() => validateSelection(list, byId, licensedIds), [list, byId, licensedIds]);

  const autosave = useDraftAutosave(accountId);
  const { schedule } = autosave;
  // The selection as of the last click, for the handlers: the save is scheduled in the click itself, so a reload
  // straight after a click still finds it pending (an effect could run too late).
  const latest = useRef(selections);
  const update = useCallback(
    (change: (current: SelectionMap) => SelectionMap) => {
      const next = change(latest.current);
      if (next === latest.current) return;
      latest.current = next;
      setSelections(next);
      const nextList = [...next.values()];
      // The server refuses incomplete selections, so only complete ones are saved; the last complete one stays.
      if (validateSelection(nextList, byId, licensedIds).length === 0) schedule(nextList);
    },
    [byId, licensedIds, schedule],
  );
  const onSelect = useCallback((id: string, selected: boolean) => update((m) => setProjectSelected(m, id, selected)), [update]);
  const onOption = useCallback((id: string, key: OptionKey, checked: boolean) => update((m) => setOption(m, id, key, checked)), [update]);

  const refresh = useMutation({
    mutationFn: () => refreshProjects(accountId),
    retry: retryPolicy,
    retryDelay,
    onSuccess: (fresh) => {
      queryClient.setQueryData(projectsKey(accountId), fresh);
      const freshById = indexProjects(fresh.projects);
      update((m) => {
        const kept = keepSelectable(m.values(), freshById);
        return kept.length === m.size ? m : toSelectionMap(kept);
      });
      toast.success(`Procore projects refreshed: ${fresh.projects.length} found`);
    },
  });

  const [leaving, setLeaving] = useState(false);
  const next = async () => {
    setLeaving(true);
    try {
      await autosave.save(list);
      router.push(`/setup/subscriptions?account=${encodeURIComponent(accountId)}`);
    } catch (err) {
      toast.error(err instanceof Error ? err.message : "The selection could not be saved");
      setLeaving(false);
    }
  };

  const hasLicensed = licensedIds.size > 0;
  const rowHandlers = { selections, onSelect, onOption, onLicensedClick: showLicensedToast };

  return (
    <Frame
      accountName={accountName}
      actions={
        <Button variant="secondary" onClick={() => refresh.mutate()} disabled={refresh.isPending} aria-busy={refresh.isPending}>
          Refresh from Procore
        </Button>
      }
    >
      <ProcoreTrouble
        error={refresh.isPending ? null : refresh.error}
        waiting={refresh.isPending && isRateLimited(refresh.failureReason)}
        onRetry={() => refresh.mutate()}
      />

      <div className="mt-6 flex flex-wrap items-end gap-4">
        <input
          type="search"
          aria-label="Search projects"
          placeholder="Search projects"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          className="min-w-64 flex-1 rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-brand focus:outline-none"
        />
        <label className="flex flex-col text-sm">
          <span className="text-slate-600">Filter</span>
          <select value={filter} onChange={(e) => setFilter(e.target.value as LicenceFilter)} className="rounded-md border border-slate-300 px-2 py-2">
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        {filter === "licensed" && (
          <label className="flex flex-col text-sm">
            <span className="text-slate-600">Licensed modules</span>
            <select value={modules} onChange={(e) => setModules(e.target.value as ModuleFilter)} className="rounded-md border border-slate-300 px-2 py-2">
              {MODULE_FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>

      <div aria-hidden className={`${ROW_GRID} mt-4 text-xs font-semibold text-slate-500`}>
        <span>Procore project</span>
        {OPTION_COLUMNS.map((c) => (
          <span key={c.key} className="text-center">
            {c.label}
          </span>
        ))}
      </div>

      {hasLicensed ? (
        <>
          {filter !== "not_licensed" && (
            <ProjectList
              title="Licensed"
              projects={sections.licensed}
              emptyText="No licensed project matches."
              maxHeightClass="max-h-72"
              {...rowHandlers}
            />
          )}
          {filter !== "licensed" && (
            <ProjectList
              title="Not licensed"
              projects={sections.notLicensed}
              emptyText="No project left to license matches."
              maxHeightClass="max-h-[28rem]"
              {...rowHandlers}
            />
          )}
        </>
      ) : (
        <ProjectList
          title="Procore projects"
          hideTitle
          projects={filter === "licensed" ? sections.licensed : sections.notLicensed}
          emptyText={projects.length === 0 ? "Procore lists no active project for this company." : "No project matches."}
          maxHeightClass="max-h-[32rem]"
          {...rowHandlers}
        />
      )}

      <SummaryBar counts={counts} problems={problems} saveStatus={autosave.status} busy={leaving} onNext={() => void next()} />
    </Frame>
  );
}
