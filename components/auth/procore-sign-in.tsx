"use client";

import { signIn } from "next-auth/react";
import { useState, useSyncExternalStore } from "react";

const noSubscription = () => () => undefined;

/** Starts the Procore OAuth flow; Procore sends the person back to `callbackUrl`. */
export function ProcoreSignInButton({ callbackUrl, label }: { callbackUrl: string; label: "Continue with Procore" | "Reconnect to Procore" }) {
  const [pending, setPending] = useState(false);
  // Server-rendered before React has hydrated it, the button would swallow a click: enabled once it can act.
  const ready = useSyncExternalStore(noSubscription, () => true, () => false);
  return (
    <button
      type="button"
      disabled={!ready || pending}
      onClick={() => {
        setPending(true);
        void signIn("procore", { callbackUrl });
      }}
      className="rounded-md bg-brand px-5 py-2.5 font-medium text-white shadow-sm hover:bg-brand-dark disabled:opacity-60"
    >
      {label}
    </button>
  );
}
