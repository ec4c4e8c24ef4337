/** A page's one card: Procore's setup, sign-in and embedded pages are a title and a few lines. */
export function PageCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="mx-auto max-w-lg rounded-xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
      <h1 className="text-xl font-semibold">{title}</h1>
      <div className="mt-4 space-y-4 text-slate-600">{children}</div>
    </section>
  );
}
