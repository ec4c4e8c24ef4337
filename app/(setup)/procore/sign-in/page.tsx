import { ProcoreSignInButton } from "@/components/auth/procore-sign-in";
import { SignedInNotice } from "@/components/auth/signed-in-notice";
import { PageCard } from "@/components/ui/page-card";
import { currentUser } from "@/lib/auth/guard";
import { SIGN_IN_WINDOW_PATH } from "@/lib/auth/sign-in-window";

export const dynamic = "force-dynamic";

/** The sign-in window of Smartapp's view inside Procore (components/auth/procore-sign-in.tsx). */
export default async function SignInWindowPage() {
  const user = await currentUser();
  if (!user) {
    return (
      <PageCard title="Sign in to Smartapp">
        <p>Sign in with your Procore account. This window closes by itself afterwards.</p>
        <ProcoreSignInButton callbackUrl={SIGN_IN_WINDOW_PATH} label="Continue with Procore" />
      </PageCard>
    );
  }
  return (
    <PageCard title="Signed in">
      <SignedInNotice email={user.email} />
    </PageCard>
  );
}
