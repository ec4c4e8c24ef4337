import Link from "next/link";

export default function Home() {
  return (
    <section className="rounded-xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
      <h1 className="text-2xl font-semibold">Smartapp for Procore</h1>
      <p className="mt-2 max-w-2xl text-slate-600">
        License Smartapp <strong>Planner</strong> and <strong>Safety</strong> for your Procore projects, pay for them,
        and keep Locations, Companies, Roles and Users in sync with Procore.
      </p>
      <div className="mt-6 flex gap-3">
        <Link href="/procore/setup" className="rounded-md bg-brand px-4 py-2 font-medium text-white hover:bg-brand-dark">
          Set up with Procore
        </Link>
        <Link href="/projects" className="rounded-md px-4 py-2 font-medium text-ink ring-1 ring-slate-300 hover:bg-slate-100">
          Project Central
        </Link>
      </div>
    </section>
  );
}
