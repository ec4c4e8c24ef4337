import Link from "next/link";

export default function Forbidden() {
  return (
    <section className="mx-auto max-w-lg rounded-xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
      <h1 className="text-xl font-semibold">You don&apos;t have access to this Procore company</h1>
      <p className="mt-3 text-slate-600">
        Procore does not list this company for your account. Ask a company admin to add you in Procore, or choose
        one of your companies.
      </p>
      <Link href="/procore/setup" className="mt-6 inline-block font-medium text-brand hover:underline">
        Choose a company
      </Link>
    </section>
  );
}
