-- CreateEnum
CREATE TYPE "PlanTaskStatus" AS ENUM ('PLANNED', 'IN_PROGRESS', 'DONE', 'BLOCKED');

-- CreateEnum
CREATE TYPE "PublishRunStatus" AS ENUM ('RUNNING', 'WAITING_RATE_LIMIT', 'SUCCEEDED', 'PARTIAL', 'FAILED');

-- CreateTable
CREATE TABLE "PlanTask" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "companyId" TEXT,
    "locationId" TEXT,
    "start" DATE NOT NULL,
    "finish" DATE NOT NULL,
    "status" "PlanTaskStatus" NOT NULL DEFAULT 'PLANNED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    "procoreTaskId" BIGINT,
    "publishedHash" TEXT,
    "publishedAt" TIMESTAMP(3),

    CONSTRAINT "PlanTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublishRun" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "status" "PublishRunStatus" NOT NULL DEFAULT 'RUNNING',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "waitingUntil" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "PublishRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublishIssue" (
    "id" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "planTaskId" TEXT,
    "taskName" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublishIssue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BadgeToken" (
    "id" TEXT NOT NULL,
    "teamMemberId" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BadgeToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PlanTask_projectId_deletedAt_idx" ON "PlanTask"("projectId", "deletedAt");

-- CreateIndex
CREATE INDEX "PublishRun_projectId_startedAt_idx" ON "PublishRun"("projectId", "startedAt");

-- CreateIndex
CREATE INDEX "PublishIssue_runId_idx" ON "PublishIssue"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "BadgeToken_teamMemberId_key" ON "BadgeToken"("teamMemberId");

-- CreateIndex
CREATE UNIQUE INDEX "BadgeToken_token_key" ON "BadgeToken"("token");

-- AddForeignKey
ALTER TABLE "PublishIssue" ADD CONSTRAINT "PublishIssue_runId_fkey" FOREIGN KEY ("runId") REFERENCES "PublishRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Rules and references the schema does not declare (see the comment above these models in schema.prisma).
-- The plan board, publish history and badge tokens belong to their project or team member and go with them.
ALTER TABLE "PlanTask" ADD CONSTRAINT "PlanTask_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "PlanTask" ADD CONSTRAINT "PlanTask_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "PlanTask" ADD CONSTRAINT "PlanTask_locationId_fkey" FOREIGN KEY ("locationId") REFERENCES "Location"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "PublishRun" ADD CONSTRAINT "PublishRun_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "BadgeToken" ADD CONSTRAINT "BadgeToken_teamMemberId_fkey" FOREIGN KEY ("teamMemberId") REFERENCES "TeamMember"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- At most one live publish per project, even with two clicks racing.
CREATE UNIQUE INDEX "PublishRun_one_live_per_project" ON "PublishRun"("projectId") WHERE "status" IN ('RUNNING', 'WAITING_RATE_LIMIT');
