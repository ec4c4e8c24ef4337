import Link from "next/link";

export default function NotFound() {
  return (
    <section className="mx-auto max-w-lg rounded-xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-3 text-slate-600">This page does not exist, or it belongs to another company.</p>
      <Link href="/projects" className="mt-6 inline-block font-medium text-brand hover:underline">
        Project Central
      </Link>
    </section>
  );
}
