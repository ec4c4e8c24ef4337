import { escapeHtml, html, redirect } from "./http.ts";
import { currentUser, layout, signInUrl, type PageHandler } from "./pages.ts";

/** Procore's URL interpolation: `{{procore.company.id}}` and friends, URI-encoded (API-FACTS: URL interpolation). */
function interpolate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => (key in values ? encodeURIComponent(values[key]!) : whole));
}

/**
 * A project's home in Procore: `/:projectId/project/home`, where "Open Procore" leads. Where the company has installed
 * Smartapp, its Embedded Full Screen component shows in an iframe, at the configured URL with the ids filled in, as
 * in a real project's Apps menu.
 */
export const projectHome: PageHandler = (ctx) => {
  const user = currentUser(ctx);
  if (!user) return redirect(signInUrl(ctx.url.pathname));
  const projectId = ctx.url.pathname.split("/")[1] ?? "";
  const project = /^\d+$/.test(projectId) ? ctx.sb.store.t.projects.get(projectId) : undefined;
  const company = project && ctx.sb.store.t.companies.get(project.company_id);
  const member = company && ctx.sb.store.t.companyUsers.get(`${company.id}:${user.id}`)?.is_active;
  if (!project || !company || !member) {
    return html(404, layout("Not found", `<section class="card"><h1>Not found</h1><p class="error" role="alert">No such project for you.</p></section>`, user.email));
  }
  const src = interpolate(ctx.sb.config.embeddedUrl, {
    "procore.company.id": String(company.id),
    "procore.company.name": company.name,
    "procore.project.id": String(project.id),
    "procore.project.name": project.name,
  });
  const app = ctx.sb.store.isInstalled(company.id)
    ? `<iframe title="Smartapp" src="${escapeHtml(src)}" style="width:100%;height:640px;border:1px solid #d8dce1;border-radius:8px;background:#fff"></iframe>`
    : `<p>No embedded app is installed in ${escapeHtml(company.name)}.</p>`;
  return html(200, layout(project.name, `<h1>${escapeHtml(project.name)}</h1><p>${escapeHtml(company.name)}</p>${app}`, user.email));
};
