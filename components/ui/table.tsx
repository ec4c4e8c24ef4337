export interface Column<T> {
  header: React.ReactNode;
  cell: (row: T) => React.ReactNode;
}

/** A table of rows, one cell per column; the header muted, the rows ruled. */
export function Table<T extends { id: string }>({
  columns,
  rows,
  className,
  rowClassName,
  caption,
}: {
  columns: readonly Column<T>[];
  rows: readonly T[];
  className: string;
  rowClassName: (row: T) => string;
  /** For screen readers: a table that its section's name does not already describe. */
  caption?: string;
}) {
  return (
    <table className={className}>
      {caption && <caption className="sr-only">{caption}</caption>}
      <thead>
        <tr className="text-slate-600">
          {columns.map((column, i) => (
            <th key={i} className="border-b border-slate-200 px-2 py-2 font-medium">
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} className={rowClassName(row)}>
            {columns.map((column, i) => (
              <td key={i} className="border-b border-slate-100 px-2 py-2">
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
