const TILES = Array.from({ length: 12 }, (_, i) => i);

/**
 * Project Central, blurred, behind the mapping page (the seed: the setup tab opens "with Project Central in the
 * background"). Drawn with CSS placeholder tiles, so there is no image to download.
 */
export function ProjectCentralBackdrop() {
  return (
    <div aria-hidden className="pointer-events-none fixed inset-0 -z-10 overflow-hidden bg-slate-100">
      <div className="mx-auto grid max-w-6xl scale-105 grid-cols-2 gap-6 px-6 pt-24 opacity-70 blur-md sm:grid-cols-3 lg:grid-cols-4">
        {TILES.map((i) => (
          <div key={i} className="h-40 rounded-xl bg-white shadow ring-1 ring-slate-200">
            <div className={`h-16 rounded-t-xl ${i % 3 === 0 ? "bg-orange-200" : i % 3 === 1 ? "bg-sky-200" : "bg-emerald-200"}`} />
            <div className="space-y-2 p-4">
              <div className="h-3 w-3/4 rounded bg-slate-300" />
              <div className="h-3 w-1/2 rounded bg-slate-200" />
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
