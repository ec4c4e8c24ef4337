/*
 * The benchmark's baseline: a naive per-record sync client, the way integrations are often first written.
 *
 * - Reads: lists the project's records page by page only to learn their ids, then GETs every record by id.
 * - Writes: one POST per record to create (the project endpoints that create and add in one call) and one PATCH
 *   per changed record; no /sync bulk endpoints.
 * - No hashes: it compares field values, and tells which side changed by updated_at against the time it last
 *   synced the record (Procore wins when both did). It keeps a link table (it needs ids), and links by natural
 *   key on first contact, so it duplicates nothing either.
 *
 * Roles are one unpaginated list in Procore (there is no per-record GET) and cannot be written through the API,
 * so the naive client reads that list and only pulls. It works on one entity of one project per call, like the
 * engine, and in the same order (Companies before Users, parents before children).
 *
 * Its own database writes are not naive: records it creates in Smartapp, and new links, are inserted 500 at a time
 * (updates one by one). That makes it a stronger baseline, and the comparison one of Procore traffic.
 */
import { randomUUID } from "node:crypto";
import { DbTokenStore } from "@/lib/auth/connection-store";
import { db } from "@/lib/db";
import type { SyncEntity } from "@/lib/generated/prisma/enums";

export interface NaiveTarget {
  projectId: string;
  procoreProjectId: string;
  companyId: string;
  sandboxUrl: string;
  connectionId: string;
}

type Json = Record<string, unknown>;

const PER_PAGE = 100;
const INSERT_BATCH = 500;

interface LinkRow {
  id: string;
  localId: string;
  procoreId: bigint;
  lastSyncedAt: Date;
}

/** Rows to insert, written `INSERT_BATCH` at a time (and on `flush`). */
function inserts<R>(write: (rows: R[]) => Promise<unknown>) {
  let rows: R[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    const batch = rows;
    rows = [];
    await write(batch);
  };
  return {
    flush,
    add: async (row: R) => {
      rows.push(row);
      if (rows.length >= INSERT_BATCH) await flush();
    },
  };
}
const key = (s: string) => s.trim().replace(/\s+/g, " ").toLowerCase();
const same = (a: unknown, b: unknown) => (a === "" || a === undefined ? null : a) === (b === "" || b === undefined ? null : b);

export async function naiveSync(t: NaiveTarget, entity: SyncEntity): Promise<{ records: number }> {
  const token = (await new DbTokenStore(t.connectionId).load()).accessToken;
  async function call<T = Json>(method: string, path: string, body?: unknown): Promise<{ json: T; headers: Headers }> {
    const res = await fetch(`${t.sandboxUrl}/rest/v1.0${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        "Procore-Company-Id": t.companyId,
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
    return { json: (text ? JSON.parse(text) : null) as T, headers: res.headers };
  }
  /** Every id of a list, page by page. */
  async function ids(path: string): Promise<number[]> {
    const out: number[] = [];
    for (let page = 1; ; page++) {
      const sep = path.includes("?") ? "&" : "?";
      const { json, headers } = await call<{ id: number }[]>("GET", `${path}${sep}page=${page}&per_page=${PER_PAGE}`);
      out.push(...json.map((r) => r.id));
      if (json.length === 0 || page * PER_PAGE >= Number(headers.get("total") ?? 0)) return out;
    }
  }
  const links: LinkRow[] = await db().syncLink.findMany({ where: { projectId: t.projectId, entity } });
  const linkByProcore = new Map(links.map((l) => [String(l.procoreId), l]));
  const linkByLocal = new Map(links.map((l) => [l.localId, l]));
  const newLinks = inserts<LinkRow>((rows) =>
    db().syncLink.createMany({ data: rows.map((r) => ({ ...r, projectId: t.projectId, entity, localHash: "naive", procoreHash: "naive" })) }),
  );
  const link = async (localId: string, procoreId: number) => {
    const existing = linkByLocal.get(localId);
    let row: LinkRow;
    if (existing) row = await db().syncLink.update({ where: { id: existing.id }, data: { lastSyncedAt: new Date() } });
    else await newLinks.add((row = { id: randomUUID(), localId, procoreId: BigInt(procoreId), lastSyncedAt: new Date() }));
    linkByLocal.set(localId, row);
    linkByProcore.set(String(procoreId), row);
  };
  /** Which side changed since the record was last synced: Procore's wins when both did. */
  const changed = (localUpdated: Date, remoteUpdated: string, localId: string): "procore" | "local" | null => {
    const since = linkByLocal.get(localId)?.lastSyncedAt.getTime() ?? 0;
    if (Date.parse(remoteUpdated) > since) return "procore";
    if (localUpdated.getTime() > since) return "local";
    return null;
  };
  const pid = t.procoreProjectId;

  if (entity === "ROLES") {
    const { json: remote } = await call<{ id: number; name: string }[]>("GET", `/companies/${t.companyId}/roles`);
    const local = await db().role.findMany({ where: { projectId: t.projectId } });
    const byName = new Map(local.map((r) => [key(r.name), r]));
    for (const r of remote) {
      const linked = linkByProcore.get(String(r.id));
      const mine = linked ? local.find((l) => l.id === linked.localId) : byName.get(key(r.name));
      if (!mine) {
        const id = randomUUID();
        await db().role.create({ data: { id, projectId: t.projectId, name: r.name } });
        await link(id, r.id);
      }
      else if (mine.name !== r.name) {
        await db().role.update({ where: { id: mine.id }, data: { name: r.name } });
        await link(mine.id, r.id);
      } else if (!linked) await link(mine.id, r.id);
    }
    await newLinks.flush();
    return { records: new Set([...remote.map((r) => key(r.name)), ...local.map((r) => key(r.name))]).size };
  }

  if (entity === "COMPANIES") {
    const local = await db().company.findMany({ where: { projectId: t.projectId } });
    const byId = new Map(local.map((c) => [c.id, c]));
    const byName = new Map(local.map((c) => [key(c.name), c]));
    const seen = new Set<string>();
    const created = inserts<{ id: string; projectId: string; name: string; email: string | null; phone: string | null }>((rows) => db().company.createMany({ data: rows }));
    for (const id of await ids(`/projects/${pid}/vendors`)) {
      const { json: v } = await call<{ id: number; name: string; email_address: string | null; business_phone: string | null; updated_at: string }>(
        "GET",
        `/vendors/${id}?company_id=${t.companyId}`,
      );
      const linked = linkByProcore.get(String(v.id));
      const mine = linked ? byId.get(linked.localId) : byName.get(key(v.name));
      const data = { name: v.name, email: v.email_address, phone: v.business_phone };
      if (!mine) {
        const id = randomUUID();
        await created.add({ id, projectId: t.projectId, ...data });
        await link(id, v.id);
        seen.add(id);
        continue;
      }
      seen.add(mine.id);
      const differs = !same(mine.name, v.name) || !same(mine.email, v.email_address) || !same(mine.phone, v.business_phone);
      const side = linked ? changed(mine.updatedAt, v.updated_at, mine.id) : "procore";
      if (differs && side === "procore") await db().company.update({ where: { id: mine.id }, data });
      else if (differs && side === "local") {
        await call("PATCH", `/vendors/${v.id}`, { company_id: Number(t.companyId), vendor: { name: mine.name, email_address: mine.email, business_phone: mine.phone } });
      }
      if (!linked || (differs && side)) await link(mine.id, v.id);
    }
    await created.flush();
    for (const c of local) {
      if (seen.has(c.id) || linkByLocal.has(c.id) || !c.active) continue;
      const { json } = await call<{ id: number }>("POST", `/projects/${pid}/vendors`, { vendor: { name: c.name, email_address: c.email, business_phone: c.phone } });
      await link(c.id, json.id);
    }
    await newLinks.flush();
    return { records: new Set([...seen, ...local.map((c) => c.id)]).size };
  }

  if (entity === "LOCATIONS") {
    const local = await db().location.findMany({ where: { projectId: t.projectId } });
    const byId = new Map(local.map((l) => [l.id, l]));
    const byPath = new Map(local.map((l) => [key(l.path), l]));
    const remote: { id: number; name: string; node_name: string; parent_id: number | null; updated_at: string }[] = [];
    for (const id of await ids(`/projects/${pid}/locations`)) remote.push((await call<(typeof remote)[number]>("GET", `/projects/${pid}/locations/${id}`)).json);
    // Parents before children.
    remote.sort((a, b) => a.name.split(" > ").length - b.name.split(" > ").length);
    const seen = new Set<string>();
    const created = inserts<{ id: string; projectId: string; name: string; path: string; parentId: string | null }>((rows) => db().location.createMany({ data: rows }));
    let depth = 0;
    for (const r of remote) {
      // A level's rows are in before the next level's (their parents) are written.
      const level = r.name.split(" > ").length;
      if (level !== depth) {
        await created.flush();
        await newLinks.flush();
        depth = level;
      }
      const linked = linkByProcore.get(String(r.id));
      const mine = linked ? byId.get(linked.localId) : byPath.get(key(r.name));
      const parentLocal = r.parent_id === null ? null : (linkByProcore.get(String(r.parent_id))?.localId ?? null);
      const data = { name: r.node_name, path: r.name, parentId: parentLocal };
      if (!mine) {
        const id = randomUUID();
        await created.add({ id, projectId: t.projectId, ...data });
        await link(id, r.id);
        seen.add(id);
        continue;
      }
      seen.add(mine.id);
      const differs = !same(mine.path, r.name);
      const side = linked ? changed(mine.updatedAt, r.updated_at, mine.id) : "procore";
      if (differs && side === "procore") await db().location.update({ where: { id: mine.id }, data });
      else if (differs && side === "local") {
        const parentId = mine.parentId ? Number(linkByLocal.get(mine.parentId)?.procoreId) : null;
        await call("PATCH", `/projects/${pid}/locations/${r.id}`, { location: { node_name: mine.name, parent_id: parentId } });
      }
      if (!linked || (differs && side)) await link(mine.id, r.id);
    }
    await created.flush();
    const toCreate = local.filter((l) => !seen.has(l.id) && !linkByLocal.has(l.id) && l.active);
    toCreate.sort((a, b) => a.path.split(" > ").length - b.path.split(" > ").length);
    for (const l of toCreate) {
      const parentId = l.parentId ? Number(linkByLocal.get(l.parentId)!.procoreId) : null;
      const { json } = await call<{ id: number }>("POST", `/projects/${pid}/locations`, { location: { node_name: l.name, parent_id: parentId } });
      await link(l.id, json.id);
    }
    await newLinks.flush();
    return { records: new Set([...seen, ...local.map((l) => l.id)]).size };
  }

  // USERS
  const companyLinks = await db().syncLink.findMany({ where: { projectId: t.projectId, entity: "COMPANIES" } });
  const companyOfVendor = new Map(companyLinks.map((l) => [String(l.procoreId), l.localId]));
  const vendorOfCompany = new Map(companyLinks.map((l) => [l.localId, Number(l.procoreId)]));
  const local = await db().teamMember.findMany({ where: { projectId: t.projectId } });
  const byId = new Map(local.map((m) => [m.id, m]));
  const byEmail = new Map(local.map((m) => [m.email.toLowerCase(), m]));
  const seen = new Set<string>();
  const created = inserts<{ id: string; projectId: string; firstName: string; lastName: string; email: string; jobTitle: string | null; companyId: string | null }>(
    (rows) => db().teamMember.createMany({ data: rows }),
  );
  const userBody = (m: (typeof local)[number]) => ({
    user: { first_name: m.firstName, last_name: m.lastName, email_address: m.email, job_title: m.jobTitle, vendor_id: m.companyId ? (vendorOfCompany.get(m.companyId) ?? null) : null },
  });
  for (const id of await ids(`/projects/${pid}/users`)) {
    const { json: u } = await call<{
      id: number;
      first_name: string | null;
      last_name: string;
      email_address: string;
      job_title: string | null;
      vendor: { id: number } | null;
      updated_at: string;
    }>("GET", `/projects/${pid}/users/${id}`);
    const linked = linkByProcore.get(String(u.id));
    const mine = linked ? byId.get(linked.localId) : byEmail.get(u.email_address.toLowerCase());
    const data = {
      firstName: u.first_name ?? "",
      lastName: u.last_name,
      email: u.email_address.toLowerCase(),
      jobTitle: u.job_title,
      companyId: u.vendor ? (companyOfVendor.get(String(u.vendor.id)) ?? null) : null,
    };
    if (!mine) {
      const id = randomUUID();
      await created.add({ id, projectId: t.projectId, ...data });
      await link(id, u.id);
      seen.add(id);
      continue;
    }
    seen.add(mine.id);
    const differs =
      !same(mine.firstName, data.firstName) || !same(mine.lastName, data.lastName) || !same(mine.jobTitle, data.jobTitle) || !same(mine.companyId, data.companyId);
    const side = linked ? changed(mine.updatedAt, u.updated_at, mine.id) : "procore";
    if (differs && side === "procore") await db().teamMember.update({ where: { id: mine.id }, data });
    else if (differs && side === "local") await call("PATCH", `/projects/${pid}/users/${u.id}`, userBody(mine));
    if (!linked || (differs && side)) await link(mine.id, u.id);
  }
  await created.flush();
  for (const m of local) {
    if (seen.has(m.id) || linkByLocal.has(m.id) || !m.active) continue;
    const { json } = await call<{ id: number }>("POST", `/projects/${pid}/users`, userBody(m));
    await link(m.id, json.id);
  }
  await newLinks.flush();
  return { records: new Set([...seen, ...local.map((m) => m.id)]).size };
}
