"use client";

import { signIn } from "next-auth/react";
import { useState, useSyncExternalStore } from "react";
import { SIGN_IN_WINDOW_PATH } from "@/lib/auth/sign-in-window";

const noSubscription = () => () => undefined;

/**
 * Set in the frame (its own storage) when the sign-in window closed: a click in the next few minutes may ask for
 * storage access. Older marks are stale (the frame signed in, and its session ended later).
 */
const SIGNED_IN_ELSEWHERE = "smartapp:signed-in-in-window";
const MARK_MAX_AGE_MS = 10 * 60_000;

/** Browsers that block a frame's cookies may refuse its storage too (SecurityError): then there is no mark. */
function withStorage<T>(act: (storage: Storage) => T, otherwise: T): T {
  try {
    return act(sessionStorage);
  } catch {
    return otherwise;
  }
}
const setMark = () => withStorage((s) => s.setItem(SIGNED_IN_ELSEWHERE, String(Date.now())), undefined);
const clearMark = () => withStorage((s) => s.removeItem(SIGNED_IN_ELSEWHERE), undefined);
const freshMark = () => withStorage((s) => Date.now() - Number(s.getItem(SIGNED_IN_ELSEWHERE) ?? 0) < MARK_MAX_AGE_MS, false);

/**
 * Inside Procore's iframe, Procore's login page refuses to be framed: sign in in a window of its own (as Procore's
 * iframe helpers do). That window closes itself once signed in; the frame then reloads, signed in — or, if the person
 * closed it before signing in, showing this button again.
 */
function signInInWindow(): boolean {
  const popup = window.open(SIGN_IN_WINDOW_PATH, "smartapp-sign-in", "popup,width=560,height=720");
  if (!popup) return false;
  const watch = setInterval(() => {
    if (!popup.closed) return;
    clearInterval(watch);
    setMark();
    window.location.reload();
  }, 300);
  return true;
}

/**
 * Browsers that keep cookies out of third-party frames (Safari, Firefox strict, Chrome without third-party cookies)
 * still show the sign-in here after the window signed in. The Storage Access API lets this frame use that session; it
 * needs the person's click and their visit to Smartapp itself (the window), so it is asked only after the window.
 */
async function gainedStorageAccess(): Promise<boolean> {
  if (!freshMark()) return false;
  clearMark();
  if (typeof document.hasStorageAccess !== "function" || (await document.hasStorageAccess())) return false;
  try {
    await document.requestStorageAccess();
    return true;
  } catch {
    return false;
  }
}

/** Starts the Procore OAuth flow; Procore sends the person back to `callbackUrl`. */
export function ProcoreSignInButton({ callbackUrl, label }: { callbackUrl: string; label: "Continue with Procore" | "Reconnect to Procore" }) {
  const [pending, setPending] = useState(false);
  const [blocked, setBlocked] = useState(false);
  // Server-rendered before React has hydrated it, the button would swallow a click: enabled once it can act.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  const afterWindow = useSyncExternalStore(
    noSubscription,
    () => window.self !== window.top && freshMark(),
    () => false,
  );
  return (
    <>
      <button
        type="button"
        disabled={!ready || pending}
        onClick={async () => {
          setPending(true);
          if (window.self === window.top) {
            void signIn("procore", { callbackUrl });
            return;
          }
          if (await gainedStorageAccess()) return window.location.reload();
          const opened = signInInWindow();
          setBlocked(!opened);
          if (!opened) setPending(false);
        }}
        className="rounded-md bg-brand px-5 py-2.5 font-medium text-white shadow-sm hover:bg-brand-dark disabled:opacity-60"
      >
        {label}
      </button>
      {afterWindow && (
        <p className="text-sm">
          Signed in, but still asked here? Your browser keeps Smartapp&apos;s sign-in out of Procore&apos;s page: press the button again and allow
          Smartapp to use it.
        </p>
      )}
      {blocked && (
        <p role="alert" className="text-sm text-red-700">
          Your browser blocked the Procore sign-in window. Allow pop-ups for this site, then try again.
        </p>
      )}
    </>
  );
}
