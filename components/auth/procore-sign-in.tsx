"use client";

import { signIn } from "next-auth/react";
import { useState, useSyncExternalStore } from "react";
import { SIGN_IN_WINDOW_PATH } from "@/lib/auth/sign-in-window";

const noSubscription = () => () => undefined;

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
    window.location.reload();
  }, 300);
  return true;
}

/** Starts the Procore OAuth flow; Procore sends the person back to `callbackUrl`. */
export function ProcoreSignInButton({ callbackUrl, label }: { callbackUrl: string; label: "Continue with Procore" | "Reconnect to Procore" }) {
  const [pending, setPending] = useState(false);
  const [blocked, setBlocked] = useState(false);
  // Server-rendered before React has hydrated it, the button would swallow a click: enabled once it can act.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  return (
    <>
      <button
        type="button"
        disabled={!ready || pending}
        onClick={() => {
          setPending(true);
          if (window.self === window.top) {
            void signIn("procore", { callbackUrl });
            return;
          }
          const opened = signInInWindow();
          setBlocked(!opened);
          if (!opened) setPending(false);
        }}
        className="rounded-md bg-brand px-5 py-2.5 font-medium text-white shadow-sm hover:bg-brand-dark disabled:opacity-60"
      >
        {label}
      </button>
      {blocked && (
        <p role="alert" className="text-sm text-red-700">
          Your browser blocked the Procore sign-in window. Allow pop-ups for this site, then try again.
        </p>
      )}
    </>
  );
}
