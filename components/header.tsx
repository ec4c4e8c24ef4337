import Link from "next/link";

export function Header({ right }: { right?: React.ReactNode }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-3">
        <Link href="/" className="flex items-center gap-2 font-semibold text-ink">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded-md bg-brand text-white">S</span>
          <span>Smartapp</span>
          <span className="text-sm font-normal text-slate-500">for Procore</span>
        </Link>
        <nav className="flex items-center gap-4 text-sm">{right}</nav>
      </div>
    </header>
  );
}
