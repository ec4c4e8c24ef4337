"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { request } from "@/components/project/api";
import type { AccountPersonView } from "@/lib/auth/members";

const LABEL = { ADMIN: "Admin", MEMBER: "Member" } as const;

/** The owner's choice of a person's role: admins manage licences, billing and Procore settings; members use projects. */
export function RoleSelect({ accountId, person }: { accountId: string; person: AccountPersonView }) {
  const router = useRouter();
  // Shown at once and kept focusable while it saves; put back if the server refuses.
  const [role, setRole] = useState(person.role);
  const change = useMutation({
    mutationFn: (role: "ADMIN" | "MEMBER") =>
      request(`/api/accounts/${encodeURIComponent(accountId)}/members/${encodeURIComponent(person.id)}`, { method: "PATCH", body: JSON.stringify({ role }) }),
    onSuccess: (_people, role) => {
      toast.success(`${person.email} is now ${role === "ADMIN" ? "an admin" : "a member"}`);
      router.refresh();
    },
    onError: (err) => {
      setRole(person.role);
      toast.error(err.message);
    },
  });
  return (
    <select
      aria-label={`Role of ${person.email}`}
      value={role}
      onChange={(e) => {
        const next = e.target.value as "ADMIN" | "MEMBER";
        setRole(next);
        change.mutate(next);
      }}
      className="rounded-md border border-slate-300 px-2 py-1 text-sm"
    >
      {(["ADMIN", "MEMBER"] as const).map((role) => (
        <option key={role} value={role}>
          {LABEL[role]}
        </option>
      ))}
    </select>
  );
}
