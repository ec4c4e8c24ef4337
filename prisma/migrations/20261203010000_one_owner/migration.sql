-- One owner per account: two people completing setup at once cannot both become its owner.
CREATE UNIQUE INDEX "Membership_one_owner_per_account" ON "Membership"("accountId") WHERE "role" = 'OWNER';
