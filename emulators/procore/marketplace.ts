import { escapeHtml, html, redirect, type Reply } from "./http.ts";
import { currentUser, layout, signInUrl, type PageContext, type PageHandler } from "./pages.ts";
import { APP_KEYS, type AppKey, type Company, type Person, type Store } from "./store.ts";

const APPS: Record<AppKey, { name: string; description: string }> = {
  planner: { name: "Smartapp Planner", description: "Pull planning and plan boards for your Procore projects, published back to the project schedule." },
  safety: { name: "Smartapp Safety", description: "Safety programs for every project, with printable badges for each project team member." },
};

/** Companies where this person may install apps: those whose directory lists them as a company admin. */
function adminCompanies(store: Store, person: Person): Company[] {
  return store.t.companyUsers
    .filter((u) => u.id === person.id && u.is_active && u.is_company_admin)
    .flatMap((u) => store.t.companies.get(u.company_id) ?? [])
    .sort((a, b) => a.id - b.id);
}

function setupInstructionsUrl(setupUrl: string, company: Company): string {
  const url = new URL(setupUrl);
  url.searchParams.set("company_id", String(company.id));
  return url.toString();
}

function appCard(ctx: PageContext, key: AppKey, company: Company | undefined, query: string): string {
  const app = APPS[key];
  const searchText = `${app.name} ${app.description}`.toLowerCase();
  const hidden = query && !searchText.includes(query.toLowerCase()) ? " hidden" : "";
  const installed = company && ctx.sb.store.isInstalled(company.id, key);
  const actions = !company
    ? ""
    : installed
      ? `<p class="ok">Installed in ${escapeHtml(company.name)}</p>
<p><a class="button" href="${escapeHtml(setupInstructionsUrl(ctx.sb.config.setupUrl, company))}" target="_blank" rel="noopener">App Setup Instructions</a></p>
<p><button class="secondary" type="submit" formaction="/marketplace/uninstall" name="app" value="${key}">Uninstall ${escapeHtml(app.name)}</button></p>`
      : `<p><button type="submit" name="app" value="${key}">Install ${escapeHtml(app.name)}</button></p>`;
  return `<li data-search="${escapeHtml(searchText)}"${hidden}><article class="card" aria-labelledby="app-${key}">
<h2 id="app-${key}">${escapeHtml(app.name)}</h2><p>${escapeHtml(app.description)}</p>${actions}</article></li>`;
}

/* Live filtering while typing; without JavaScript the search form filters on the server. */
const FILTER_SCRIPT = `<script>
const box = document.getElementById("search");
box.addEventListener("input", () => {
  const q = box.value.trim().toLowerCase();
  let shown = 0;
  for (const li of document.querySelectorAll("[data-search]")) {
    li.hidden = q !== "" && !li.dataset.search.includes(q);
    if (!li.hidden) shown++;
  }
  document.getElementById("no-apps").hidden = shown > 0;
});
const company = document.getElementById("company");
if (company) company.addEventListener("change", () => {
  location.href = "/marketplace?company_id=" + encodeURIComponent(company.value) + "&q=" + encodeURIComponent(box.value);
});
</script>`;

export const marketplace: PageHandler = (ctx) => {
  const user = currentUser(ctx);
  if (!user) return redirect(signInUrl(ctx.url.pathname + ctx.url.search));
  const companies = adminCompanies(ctx.sb.store, user);
  const requested = ctx.url.searchParams.get("company_id");
  const company = companies.find((c) => String(c.id) === requested) ?? companies[0];
  const query = ctx.url.searchParams.get("q")?.trim() ?? "";
  const justInstalled = ctx.url.searchParams.get("installed") as AppKey | null;
  const visible = APP_KEYS.filter((k) => !query || `${APPS[k].name} ${APPS[k].description}`.toLowerCase().includes(query.toLowerCase()));

  const companyField = !company
    ? `<p class="error">You are not a company administrator in any Procore company, so you cannot install apps.</p>`
    : companies.length > 1
      ? `<label for="company">Company</label><select id="company" name="company_id">${companies
          .map((c) => `<option value="${c.id}"${c.id === company.id ? " selected" : ""}>${escapeHtml(c.name)}</option>`)
          .join("")}</select>`
      : `<input type="hidden" name="company_id" value="${company.id}"><p>Company: <strong>${escapeHtml(company.name)}</strong></p>`;
  const notice =
    company && justInstalled && APPS[justInstalled]
      ? `<p class="ok" role="status">${escapeHtml(APPS[justInstalled].name)} is installed in ${escapeHtml(company.name)}. Open App Setup Instructions to finish connecting it.</p>`
      : "";

  const body = `<h1>App Marketplace</h1>
<form method="get" action="/marketplace" role="search" class="row">
${company ? `<input type="hidden" name="company_id" value="${company.id}">` : ""}
<div><label for="search">Search apps</label><input id="search" type="search" name="q" value="${escapeHtml(query)}"></div>
<button type="submit">Search</button>
</form>
${notice}
<form method="post" action="/marketplace/install">
${companyField}
<ul class="apps">${APP_KEYS.map((k) => appCard(ctx, k, company, query)).join("")}</ul>
<p id="no-apps"${visible.length ? " hidden" : ""}>No apps match your search.</p>
</form>${FILTER_SCRIPT}`;
  return html(200, layout("App Marketplace", body, user.email));
};

function changeInstallation(ctx: PageContext, install: boolean): Reply {
  const user = currentUser(ctx);
  if (!user) return redirect(signInUrl("/marketplace"), {}, 303);
  const company = adminCompanies(ctx.sb.store, user).find((c) => String(c.id) === ctx.body.company_id);
  const app = APP_KEYS.find((k) => k === ctx.body.app);
  if (!company || !app) return html(404, layout("Not found", `<section class="card"><h1>Not found</h1><p class="error" role="alert">Unknown company or app.</p></section>`, user.email));
  if (install) ctx.sb.store.install(company.id, app);
  else ctx.sb.store.uninstall(company.id, app);
  return redirect(`/marketplace?company_id=${company.id}${install ? `&installed=${app}` : ""}`, {}, 303);
}

export const install: PageHandler = (ctx) => changeInstallation(ctx, true);
export const uninstall: PageHandler = (ctx) => changeInstallation(ctx, false);
