"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { toast } from "sonner";
import { request } from "@/components/project/api";
import { Button } from "@/components/ui/button";
import type { AccountPersonView } from "@/lib/auth/members";

/** The owner hands the account to this person, after saying what that means. */
export function MakeOwner({ accountId, person }: { accountId: string; person: AccountPersonView }) {
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const headingId = useId();
  const textId = useId();
  const transfer = useMutation({
    mutationFn: () => request(`/api/accounts/${encodeURIComponent(accountId)}/owner`, { method: "PUT", body: JSON.stringify({ userId: person.id }) }),
    onSuccess: () => {
      toast.success(`${person.email} is now the owner; you are an admin`);
      setAsking(false);
      router.refresh();
    },
    onError: (err) => toast.error(err.message),
  });
  if (!asking) {
    return (
      <Button variant="secondary" aria-label={`Make ${person.email} the owner`} onClick={() => setAsking(true)}>
        Make owner
      </Button>
    );
  }
  return (
    <div role="alertdialog" aria-labelledby={headingId} aria-describedby={textId} className="rounded-md bg-amber-50 p-3 ring-1 ring-amber-200">
      <p id={headingId} className="font-semibold">
        Hand the account to {person.email}?
      </p>
      <p id={textId} className="mt-1 text-slate-700">
        They become the owner; you stay as an admin and can no longer change roles or hand the account over.
      </p>
      <div className="mt-3 flex gap-2">
        <Button disabled={transfer.isPending} onClick={() => transfer.mutate()}>
          Hand over
        </Button>
        {/* Focus moves into the question, onto the safe answer. */}
        <Button variant="secondary" autoFocus disabled={transfer.isPending} onClick={() => setAsking(false)}>
          Keep it
        </Button>
      </div>
    </div>
  );
}
