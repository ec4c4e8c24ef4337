"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Selection } from "@/lib/licensing/rules";
import { draftKey, putDraft } from "./api";

const AUTOSAVE_DELAY_MS = 400;

export type SaveStatus = "idle" | "saving" | "saved" | "error";

/**
 * Saves the selection as the server-side draft, debounced. Saves run one after another, so an older selection
 * can never land after a newer one. A change still waiting when the page goes away is sent at once, and saves are
 * keepalive requests (see putDraft), so a reload right after a click loses nothing.
 */
export function useDraftAutosave(accountId: string) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<SaveStatus>("idle");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const pending = useRef<Selection[] | null>(null);
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const save = useCallback(
    (selections: Selection[]): Promise<void> => {
      clearTimeout(timer.current);
      pending.current = null;
      setStatus("saving");
      const run = queue.current.catch(() => undefined).then(() => putDraft(accountId, { selections }));
      queue.current = run;
      // Only the latest save speaks for the page; an earlier one finishing says nothing about the current state.
      return run.then(
        (draft) => {
          queryClient.setQueryData(draftKey(accountId), draft);
          if (queue.current === run) setStatus("saved");
        },
        (err: unknown) => {
          if (queue.current === run) setStatus("error");
          throw err;
        },
      );
    },
    [accountId, queryClient],
  );

  const schedule = useCallback(
    (selections: Selection[]) => {
      clearTimeout(timer.current);
      pending.current = selections;
      timer.current = setTimeout(() => save(selections).catch(() => undefined), AUTOSAVE_DELAY_MS);
    },
    [save],
  );

  useEffect(() => {
    const flushOnExit = () => {
      if (!pending.current) return;
      clearTimeout(timer.current);
      putDraft(accountId, { selections: pending.current }).catch(() => undefined);
      pending.current = null;
    };
    window.addEventListener("pagehide", flushOnExit);
    return () => {
      window.removeEventListener("pagehide", flushOnExit);
      flushOnExit();
    };
  }, [accountId]);

  return { status, schedule, save };
}
