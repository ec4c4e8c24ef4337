-- A member uses the account's projects Procore lists for them (read with their own token), not every project of it.
ALTER TABLE "Membership" ADD COLUMN "projectsReadAt" TIMESTAMP(3);

CREATE TABLE "MemberProject" (
    "membershipId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,

    CONSTRAINT "MemberProject_pkey" PRIMARY KEY ("membershipId","projectId")
);

CREATE INDEX "MemberProject_projectId_idx" ON "MemberProject"("projectId");

ALTER TABLE "MemberProject" ADD CONSTRAINT "MemberProject_membershipId_fkey" FOREIGN KEY ("membershipId") REFERENCES "Membership"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "MemberProject" ADD CONSTRAINT "MemberProject_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
