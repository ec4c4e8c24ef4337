"use client";

import { useEffect } from "react";

/** In the sign-in window: closes it, which reloads the Procore frame that opened it. Opened otherwise, it only says so. */
export function SignedInNotice({ email }: { email: string }) {
  useEffect(() => {
    if (window.opener) window.close();
  }, []);
  return <p>You are signed in to Smartapp as {email}. You can close this window and go back to Procore.</p>;
}
