import { dayToDate, type Day, type Span } from "@/lib/planner/board-rules";

// Days are UTC calendar days: formatted in UTC so the viewer's time zone never shows the day before.
const DAY = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", timeZone: "UTC" });

export const formatDay = (day: Day): string => DAY.format(dayToDate(day));

export const formatSpan = ({ start, finish }: Span): string => (start === finish ? formatDay(start) : `${formatDay(start)} – ${formatDay(finish)}`);
